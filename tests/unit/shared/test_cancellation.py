"""The background loops end when cancelled even where the cancellation is lost on the way:
Python 3.11's `asyncio.wait_for`, which redis-py wraps around every send of a client with a
socket timeout, returns its inner result when that finished just as the cancellation came
(see shared.cancellation). Each loop is driven here by a stand-in whose calls lose the first
cancellation, so the loss happens every run, not once in a thousand."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from shared.cancellation import raise_if_cancelling
from shared.events.painlog import PainLogged
from shared.tenancy.replica import KeyReplica
from tests.support.probe import Probe, ProbeSettings
from tests.support.settings import fast_settings
from tests.support.waiting import scaled

_lost: set[asyncio.Task[Any]] = set()
_entered: list[asyncio.Event] = []  # set as a call begins


async def _swallowing_a_cancellation() -> None:
    """5 ms, losing the first cancellation of the task (what Python 3.11's wait_for does
    when its inner future is already done); a later one ends the task (a failed test's)."""
    for entered in _entered:
        entered.set()
    try:
        await asyncio.sleep(0.005)
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is None or task in _lost:
            raise
        _lost.add(task)


class _LosesCancellations:
    """Stands in for a Redis client: each call takes 5 ms and may lose a cancellation."""

    async def xread(self, *args: Any, **kw: Any) -> list[Any]:
        await _swallowing_a_cancellation()
        return []

    async def eval(self, *args: Any) -> None:
        await _swallowing_a_cancellation()


async def _ends_when_cancelled(task: asyncio.Task[Any]) -> None:
    await asyncio.sleep(0.02)  # a few turns of the loop
    entered = asyncio.Event()
    _entered[:] = [entered]
    await asyncio.wait_for(entered.wait(), scaled(2))
    task.cancel()  # inside a call
    done, _ = await asyncio.wait([task], timeout=scaled(2))
    assert done == {task}, "still running after the cancellation"
    assert task.cancelled()


async def test_raise_if_cancelling_raises_only_after_a_cancellation() -> None:
    async def turn() -> str:
        raise_if_cancelling()
        await _swallowing_a_cancellation()
        raise_if_cancelling()
        return "ended normally"

    assert await asyncio.create_task(turn()) == "ended normally"
    task = asyncio.create_task(turn())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_key_replica_stops_following_when_cancelled() -> None:
    redis: Any = _LosesCancellations()
    task = asyncio.create_task(KeyReplica().follow(redis, {"p:tenant-key-issued": b"0-0"}))
    await _ends_when_cancelled(task)


def _probe(tmp_path: Path, **kw: Any) -> Probe:
    settings = ProbeSettings(
        redis_url="redis://127.0.0.1:1/0",  # never reached: the stand-in answers
        database_url=f"sqlite+aiosqlite:///{tmp_path}/probe.db",
        stream_prefix="t:",
        **fast_settings(**kw),
    )
    return Probe(settings)


async def test_the_consumer_sweep_stops_when_cancelled(tmp_path: Path) -> None:
    probe = _probe(tmp_path, consumer_sweep_s=0.001)
    try:
        probe.bus.redis = _LosesCancellations()  # type: ignore[assignment]
        assert probe.bus.subscriptions[0].event_cls is PainLogged
        await _ends_when_cancelled(asyncio.create_task(probe.bus._sweep_consumers()))
    finally:
        await probe.db.dispose()


async def test_the_outbox_relay_stops_when_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = _probe(tmp_path, outbox_poll_s=0.001)
    try:
        relay = probe.bus.relay

        async def relay_once() -> int:
            await _swallowing_a_cancellation()
            return 0

        monkeypatch.setattr(relay, "relay_once", relay_once)
        relay.start()
        assert relay._task is not None
        await _ends_when_cancelled(relay._task)
    finally:
        await probe.db.dispose()
