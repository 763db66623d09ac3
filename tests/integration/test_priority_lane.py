"""The priority lane beside an ordinary backlog on SQLite, whose writers take turns: an urgent
event is applied while a long ordinary batch is still being applied, not after it, and what
it emits is relayed before the batch goes on (real Redis, a real SQLite file). On PostgreSQL
their transactions run side by side and batches are not sliced."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import redis

from shared.events.painlog import PainLogged
from shared.events.quiz import UserReferred
from shared.events.streams import PRIORITY_LANE
from tests.support.probe import Probe, ProbeSettings, pain_event
from tests.support.settings import fast_settings
from tests.support.waiting import eventually

Hook = Callable[[Sequence[PainLogged]], Awaitable[None]]


class Backlog:
    """A probe with 60 ordinary events waiting (one read takes them all: one batch) and an
    urgent report that comes in on the lane while the batch's first call is running."""

    def __init__(self, redis_url: str, data_dir: Path, prefix: str) -> None:
        settings = ProbeSettings(
            redis_url=redis_url,
            database_url=f"sqlite+aiosqlite:///{data_dir / 'probe.db'}",
            stream_prefix=prefix,
            **fast_settings(reclaim_idle_ms=30_000),
        )
        self.probe = Probe(settings, lanes=(PRIORITY_LANE,))
        self.events = [pain_event(user_id=f"u{i}") for i in range(60)]
        self.urgent = pain_event(
            context="after_exercise", exercise_id="glute-bridge", level=6, qualities=("shooting",)
        )
        self.lane = f"{self.probe.bus.stream(PainLogged.TYPE)}.{PRIORITY_LANE}"
        self.sent = False

    async def start(self, client: redis.Redis, watch: Hook | None = None) -> None:
        """Publish the backlog and start the probe; `watch` sees every handler call."""
        probe = self.probe
        await probe.db.migrate()
        async with probe.db.unit_of_work() as uow:
            await uow.emit(*self.events)
        await probe.bus.relay.relay_once()

        async def urgent_arrives_meanwhile(events: Sequence[PainLogged]) -> None:
            if watch is not None:
                await watch(events)
            # The first ordinary call: the urgent report comes in now, and is read (handed
            # to this consumer) before this call goes on.
            if self.sent or self.urgent in events:
                return
            self.sent = True
            await probe.bus.broker.publish(self.urgent.model_dump_json().encode(), stream=self.lane)
            await eventually(lambda: _delivered(client, self.lane))
            await asyncio.sleep(0.05)  # its handler reaches the writer lock meanwhile

        probe.on_handle = urgent_arrives_meanwhile
        await probe.start()

    async def all_applied(self) -> dict[Any, int]:
        wanted = [*self.events, self.urgent]

        async def counts() -> dict[Any, int] | None:
            found = await self.probe.applied_counts()
            return found if all(e.event_id in found for e in wanted) else None

        found = await eventually(counts)
        assert found == {e.event_id: 1 for e in wanted}
        return found


async def test_an_urgent_event_is_applied_before_a_queued_ordinary_batch_is_done(
    redis_url: str, tmp_path: Path, prefix: str, redis_client: redis.Redis
) -> None:
    backlog = Backlog(redis_url, tmp_path, prefix)
    probe = backlog.probe
    await backlog.start(redis_client)
    try:
        await backlog.all_applied()
        # Applied while the batch was: before the backlog's last event, in a call of its own.
        order, urgent = probe.calls, backlog.urgent.event_id
        assert order.index(urgent) < order.index(backlog.events[-1].event_id)
        assert (urgent,) in probe.batches
        # The ordinary events were applied in stream order, in more than one transaction.
        assert [e for e in order if e != urgent] == [e.event_id for e in backlog.events]
        assert len(probe.batches) > 2
    finally:
        await probe.stop()


async def test_what_an_urgent_event_emits_is_relayed_before_the_ordinary_batch_goes_on(
    redis_url: str, tmp_path: Path, prefix: str, redis_client: redis.Redis
) -> None:
    backlog = Backlog(redis_url, tmp_path, prefix)
    probe = backlog.probe
    probe.refer_urgent = True
    referrals = probe.bus.stream(UserReferred.TYPE)
    relay = probe.bus.relay
    publish = relay._publish

    async def slow_publish(rows: list[Any]) -> None:
        await asyncio.sleep(0.03)  # a relay pass that takes a while
        await publish(rows)

    relay._publish = slow_publish  # type: ignore[method-assign]
    seen: list[int] = []  # the referrals on their stream as each later ordinary call begins

    async def watch(events: Sequence[PainLogged]) -> None:
        if backlog.urgent.event_id in probe.calls and backlog.urgent not in events:
            seen.append(int(redis_client.xlen(referrals)))

    await backlog.start(redis_client, watch)
    try:
        await backlog.all_applied()
        assert seen and seen[0] == 1  # the next call began once the referral was out
    finally:
        await probe.stop()


async def _delivered(client: redis.Redis, stream: str) -> bool:
    try:
        return int(client.xpending(stream, "probe")["pending"]) > 0
    except redis.ResponseError:
        return False
