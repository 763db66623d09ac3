"""SQLite's writer lock: one writer at a time, urgent ones before the ordinary ones waiting."""

from __future__ import annotations

import asyncio

import pytest

from shared.db.writer_lock import WriterLock


async def _writer(lock: WriterLock, name: str, order: list[str], *, urgent: bool = False) -> None:
    async with lock.hold(urgent=urgent):
        order.append(name)
        await asyncio.sleep(0)


async def _holding(
    lock: WriterLock, release: asyncio.Event, order: list[str]
) -> asyncio.Task[None]:
    """A task that takes the lock now and keeps it until `release` is set."""

    async def hold() -> None:
        async with lock.hold():
            order.append("holder")
            await release.wait()

    task = asyncio.create_task(hold())
    await asyncio.sleep(0)
    return task


async def test_an_urgent_writer_goes_before_the_ordinary_ones_already_waiting() -> None:
    lock, order, release = WriterLock(), [], asyncio.Event()
    tasks = [await _holding(lock, release, order)]
    for name in ("a", "b"):
        tasks.append(asyncio.create_task(_writer(lock, name, order)))
        await asyncio.sleep(0)
    tasks.append(asyncio.create_task(_writer(lock, "urgent", order, urgent=True)))
    await asyncio.sleep(0)
    assert lock.urgent_waiting == 1
    release.set()
    await asyncio.gather(*tasks)
    assert order == ["holder", "urgent", "a", "b"]
    assert lock.urgent_waiting == 0


async def test_a_writer_arriving_as_the_lock_is_released_does_not_take_it_from_a_waiter() -> None:
    lock, order, release = WriterLock(), [], asyncio.Event()
    held = await _holding(lock, release, order)
    waiter = asyncio.create_task(_writer(lock, "waiter", order))
    await asyncio.sleep(0)
    release.set()
    await held
    # Released and asked for again at once: the waiter was handed the lock already.
    async with lock.hold():
        order.append("holder again")
    await waiter
    assert order == ["holder", "waiter", "holder again"]


async def test_a_cancelled_waiter_leaves_the_queue_and_the_lock_goes_on() -> None:
    lock, order, release = WriterLock(), [], asyncio.Event()
    held = await _holding(lock, release, order)
    gone = asyncio.create_task(_writer(lock, "gone", order, urgent=True))
    after = asyncio.create_task(_writer(lock, "after", order))
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    release.set()
    await asyncio.gather(held, after)
    assert order == ["holder", "after"]
    async with lock.hold():  # free again
        pass
