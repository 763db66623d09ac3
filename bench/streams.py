"""Redis Streams for the benchmark: events written as the outbox relay writes them, the bare
redis-py consumer every figure is compared with, and waiting for a service's group to drain.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import cast

from faststream.redis.parser import BinaryMessageFormatV1
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bench.common import BenchError
from shared.events.base import Event
from shared.events.streams import stream_name

# The field the outbox relay writes FastStream's envelope under (shared/messaging/outbox.py).
DATA_FIELD = b"__data__"
BARE_COUNT = 100  # entries per XREADGROUP of the bare loop (issue 10's physical limit)
PIPELINE_CHUNK = 2000
# XREADGROUP's answer without decode_responses: [(stream, [(entry id, {field: value})])].
StreamResponse = list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]] | None


async def encode(event: Event) -> bytes:
    """One entry's `__data__` value, byte for byte what the outbox relay publishes."""
    return await BinaryMessageFormatV1.encode(
        message=event.model_dump_json().encode(),
        reply_to=None,
        headers={"content-type": "application/json"},
        correlation_id=event.correlation_id,
    )


@dataclass(frozen=True)
class Encoded:
    """Events ready to XADD: (stream, data) in order. Encoding is done before any clock runs."""

    entries: list[tuple[str, bytes]]

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def streams(self) -> set[str]:
        return {s for s, _ in self.entries}


async def encode_all(prefix: str, events: Sequence[Event]) -> Encoded:
    return Encoded([(stream_name(prefix, e.event_type), await encode(e)) for e in events])


async def xadd_all(redis: Redis, batch: Encoded, *, maxlen: int = 1_000_000) -> None:
    """Pipelined XADD in order (unpipelined, Redis would be the bottleneck of the bare loop)."""
    for start in range(0, len(batch.entries), PIPELINE_CHUNK):
        async with redis.pipeline(transaction=False) as pipe:
            for stream, data in batch.entries[start : start + PIPELINE_CHUNK]:
                pipe.xadd(stream, {DATA_FIELD: data}, maxlen=maxlen, approximate=True)
            await pipe.execute()


async def last_ids(redis: Redis, streams: Sequence[str]) -> dict[str, bytes]:
    """Each stream's last entry id now (b"0-0" for a stream not there yet)."""
    found: dict[str, bytes] = {}
    for stream in streams:
        try:
            found[stream] = (await redis.xinfo_stream(stream))["last-generated-id"]
        except ResponseError:
            found[stream] = b"0-0"
    return found


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float

    @property
    def per_s(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else float("inf")


async def bare_consume(
    redis: Redis,
    since: Mapping[str, bytes],
    models: Mapping[str, type[Event]],
    expected: int,
    *,
    group: str,
    timeout_s: float,
) -> Rate:
    """The bare loop: a group of its own at `since` on each stream, XREADGROUP COUNT 100 over
    all of them, parse every entry with pydantic, one XACK per stream per read. No database,
    no idempotency, no outbox: the physical limit a consumer is compared with."""
    for stream, entry in since.items():
        await redis.xgroup_create(stream, group, id=entry, mkstream=True)
    handled = 0
    started = perf_counter()
    deadline = started + timeout_s
    while handled < expected:
        if perf_counter() > deadline:
            raise BenchError(f"bare loop: {handled}/{expected} after {timeout_s:.0f}s")
        response = cast(
            StreamResponse,
            await redis.xreadgroup(
                group, "bare-1", {s: ">" for s in since}, count=BARE_COUNT, block=100
            ),
        )
        for raw_stream, entries in response or []:
            stream = raw_stream.decode()
            model = models[stream]
            ids = []
            for entry_id, fields in entries:
                body, _headers = BinaryMessageFormatV1.parse(fields[DATA_FIELD])
                model.model_validate_json(body)
                ids.append(entry_id)
            if ids:
                await redis.xack(stream, group, *ids)
                handled += len(ids)
    elapsed = perf_counter() - started
    for stream in since:
        await redis.xgroup_destroy(stream, group)
    return Rate(handled, elapsed)


async def group_caught_up(redis: Redis, streams: Sequence[str], group: str) -> bool:
    """`group` has been handed every entry of every stream and acknowledged them all."""
    for stream in streams:
        info = await redis.xinfo_stream(stream)
        last = info["last-generated-id"]
        groups = {g["name"].decode(): g for g in await redis.xinfo_groups(stream)}
        g = groups.get(group)
        if g is None or g["last-delivered-id"] != last or g["pending"] != 0:
            return False
    return True


async def drain(
    redis: Redis,
    batch: Encoded,
    group: str,
    *,
    timeout_s: float,
    done: Callable[[], Awaitable[bool]] | None = None,
    every: float = 0.005,
) -> Rate:
    """XADD `batch` while a running service's `group` consumes it; the rate is the batch over
    the time from the first XADD to the moment the group has acknowledged everything (the
    XADDs, pipelined, take a few ms of that) and `done`, if given, says so too."""
    streams = sorted(batch.streams)
    if done is not None:
        await done()  # a first look before the XADDs (e.g. where a count starts)
    started = perf_counter()
    await xadd_all(redis, batch)
    deadline = started + timeout_s
    while not (await group_caught_up(redis, streams, group) and (done is None or await done())):
        if perf_counter() > deadline:
            raise BenchError(f"group {group} did not drain {len(batch)} events in {timeout_s:.0f}s")
        await asyncio.sleep(every)
    return Rate(len(batch), perf_counter() - started)
