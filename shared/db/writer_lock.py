"""SQLite's one writer at a time, with a way to the front for urgent writers.

A process's writers queue here instead of in SQLite's busy handler (which sleeps in growing
steps). Ordinary writers are served in arrival order; an urgent one (a rule-one report on the
priority lane) goes before every ordinary writer still waiting, so it waits at most for the
transaction that holds the lock when it arrives, never for a queue of them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class WriterLock:
    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._ordinary: deque[asyncio.Future[None]] = deque()

    @property
    def urgent_waiting(self) -> int:
        """How many urgent writers wait for the lock now."""
        return sum(not f.done() for f in self._urgent)

    @asynccontextmanager
    async def hold(self, *, urgent: bool = False) -> AsyncIterator[None]:
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        if not self._held and not self._urgent and not self._ordinary:
            self._held = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._ordinary
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed the lock as it was cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):  # already passed over by a release
                    queue.remove(waiter)
            raise

    def _release(self) -> None:
        """Hand the lock straight to the next waiter (urgent ones first), so that no writer
        arriving meanwhile can take it before them."""
        for queue in (self._urgent, self._ordinary):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._held = False
