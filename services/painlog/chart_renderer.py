"""Charts are drawn away from the event loop, bounded, and drawn once per content.

Matplotlib holds the GIL while it draws, so a thread would still stall the loop (and
`/healthz` with it): drawing happens in a worker process. At most `workers` charts are drawn
at a time and at most `waiting` more wait; beyond that a chart request is told to come back
(503 with Retry-After) instead of queueing without bound. A chart is a function of its data
(`ChartData` is frozen and hashable), so the last `cache_size` charts are kept by content:
the same data again is answered from memory, and new data for a user draws anew.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from typing import Literal

from services.painlog import chart
from services.painlog.domain.timeline import ChartData

Format = Literal["svg", "png"]


class ChartRenderer:
    def __init__(self, *, workers: int = 1, waiting: int = 8, cache_size: int = 128) -> None:
        self.workers = workers
        self.waiting = waiting
        self.cache_size = cache_size
        self._pool: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._queued = 0
        self._cache: OrderedDict[tuple[ChartData, str], bytes] = OrderedDict()
        self.drawn = 0  # charts actually drawn (not answered from the cache)

    async def render(self, data: ChartData, fmt: Format) -> bytes | None:
        """The chart's bytes, or None when too many charts are already being drawn."""
        key = (data, fmt)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        if self._queued >= self.workers + self.waiting:
            return None
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        self._queued += 1
        try:
            async with self._slots:
                image = await asyncio.get_running_loop().run_in_executor(
                    self._executor(), chart.render, data, fmt
                )
        finally:
            self._queued -= 1
        self.drawn += 1
        self._cache[key] = image
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return image

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a fork of a process with threads and an event loop is not safe.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


renderer = ChartRenderer()
