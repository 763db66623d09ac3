"""The priority lane beside an ordinary backlog: an urgent event is applied while a long
ordinary batch is still being applied, not after it (real Redis, SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import redis

from shared.events.painlog import PainLogged
from shared.events.streams import PRIORITY_LANE
from tests.support.probe import Probe, ProbeSettings, pain_event
from tests.support.settings import fast_settings
from tests.support.waiting import eventually


async def test_an_urgent_event_is_applied_before_a_queued_ordinary_batch_is_done(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    settings = ProbeSettings(
        redis_url=redis_url,
        database_url=database_url,
        stream_prefix=prefix,
        **fast_settings(reclaim_idle_ms=30_000),
    )
    probe = Probe(settings, lanes=(PRIORITY_LANE,))
    backlog = [pain_event(user_id=f"u{i}") for i in range(60)]
    urgent = pain_event(
        context="after_exercise", exercise_id="glute-bridge", level=6, qualities=("shooting",)
    )
    lane = f"{probe.bus.stream(PainLogged.TYPE)}.{PRIORITY_LANE}"
    await probe.db.migrate()
    async with probe.db.unit_of_work() as uow:
        await uow.emit(*backlog)  # one read takes all 60: one batch
    await probe.bus.relay.relay_once()
    sent = asyncio.Event()

    async def urgent_arrives_meanwhile(events: Sequence[PainLogged]) -> None:
        # The first ordinary call: the urgent report comes in now, and is read (delivered to
        # this consumer) before this call goes on.
        if sent.is_set() or urgent in events:
            return
        sent.set()
        await probe.bus.broker.publish(urgent.model_dump_json().encode(), stream=lane)
        await eventually(lambda: _delivered(redis_client, lane))
        await asyncio.sleep(0.05)  # its handler reaches the writer lock meanwhile

    probe.on_handle = urgent_arrives_meanwhile
    await probe.start()
    try:
        counts = await eventually(lambda: _applied(probe, [*backlog, urgent]))
        assert counts == {e.event_id: 1 for e in [*backlog, urgent]}
        # Applied while the batch was: before the backlog's last event, in a call of its own.
        order = probe.calls
        assert order.index(urgent.event_id) < order.index(backlog[-1].event_id)
        assert (urgent.event_id,) in probe.batches
        # The ordinary events were applied in stream order, in more than one transaction.
        assert [e for e in order if e != urgent.event_id] == [e.event_id for e in backlog]
        assert len(probe.batches) > 2
    finally:
        await probe.stop()


async def _delivered(client: redis.Redis, stream: str) -> bool:
    try:
        return int(client.xpending(stream, "probe")["pending"]) > 0 or bool(
            client.xinfo_groups(stream)[0]["entries-read"]
        )
    except redis.ResponseError:
        return False


async def _applied(probe: Probe, events: list[PainLogged]) -> dict[object, int] | None:
    counts = await probe.applied_counts()
    return counts if all(e.event_id in counts for e in events) else None
