"""A consumer killed between commit and acknowledgement, then restarted: nothing is left
pending and nothing is applied twice (real processes, real Redis, real databases)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from shared.events.painlog import PainLogged
from tests.support.probe import Probe, ProbeSettings, pain_event
from tests.support.settings import fast_settings
from tests.support.waiting import eventually, scaled

ROOT = Path(__file__).resolve().parents[2]


def start_consumer(
    redis_url: str, database_url: str, prefix: str, name: str, *extra: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.probe_consumer",
            redis_url,
            database_url,
            prefix,
            name,
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.timeout(300)
@pytest.mark.parametrize("mode", ["single", "batch"])
async def test_consumer_killed_after_commit_before_ack_applies_nothing_twice(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis, mode: str
) -> None:
    producer = Probe(
        ProbeSettings(
            redis_url=redis_url,
            database_url=database_url,
            stream_prefix=prefix,
            **fast_settings(),
        )
    )
    await producer.db.migrate()
    events = [pain_event() for _ in range(20)]
    async with producer.db.unit_of_work() as uow:
        await uow.emit(*events)
    await producer.bus.relay.relay_once()
    stream = producer.bus.stream(PainLogged.TYPE)
    batch = ["--batch"] if mode == "batch" else []

    doomed = start_consumer(redis_url, database_url, prefix, "doomed", *batch, "--crash-after", "2")
    try:
        assert await asyncio.to_thread(doomed.wait, scaled(60)) == 17, doomed.stdout.read()  # type: ignore[union-attr]
    finally:
        doomed.kill()
    # It died holding delivered, unacknowledged entries, one of them already applied.
    assert redis_client.xpending(stream, "probe")["pending"] > 0
    applied_before = await producer.applied_counts()
    assert 0 < len(applied_before) < len(events)

    heir = start_consumer(redis_url, database_url, prefix, "heir", *batch)
    try:
        # The heir is a new process: on a busy machine its start alone takes tens of seconds.
        counts = await eventually(lambda: _counts_if_complete(producer, events), timeout=120)
        assert counts == {e.event_id: 1 for e in events}
        await eventually(
            lambda: _value(redis_client.xpending(stream, "probe")["pending"] == 0), timeout=15
        )
        assert not redis_client.xrange(f"{stream}.dlq")
    finally:
        heir.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(heir.wait, scaled(20))
        finally:
            heir.kill()
        await producer.db.dispose()


async def _counts_if_complete(probe: Probe, events: list[PainLogged]) -> dict[object, int] | None:
    counts = await probe.applied_counts()
    return counts if len(counts) == len(events) else None


async def _value(v: object) -> object:
    return v
