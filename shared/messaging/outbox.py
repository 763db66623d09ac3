"""The outbox relay: publishes committed outbox rows to their streams, then marks them.

Rows are written in the same transaction as the state change (`UnitOfWork.emit`), so an
event exists if and only if its change was committed. The relay publishes after commit and
retries until Redis takes it; a crash between publishing and marking republishes the same
`event_id`, which consumers drop as a duplicate. Replicas on PostgreSQL share the work with
`FOR UPDATE SKIP LOCKED`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from typing import Any

from redis.asyncio import Redis
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_exponential_jitter,
)

from shared.cancellation import raise_if_cancelling
from shared.db.database import Database
from shared.events.streams import PRIORITY_LANE, lane_name, stream_name
from shared.messaging import envelope
from shared.messaging.outbox_rows import PUBLISHED_RETENTION, OutboxRows, by_id
from shared.observability.logging import get_logger
from shared.observability.metrics import (
    OUTBOX_PENDING,
    OUTBOX_PUBLISHED,
    OUTBOX_RELAY_FAILURES,
)

# The statements on the outbox table are `shared.messaging.outbox_rows`; its names stay here.
__all__ = [
    "LINGER_ABOVE",
    "LINGER_S",
    "PUBLISHED_RETENTION",
    "XADD_ALL",
    "XADD_CHUNK",
    "OutboxRelay",
]

log = get_logger(__name__)

LINGER_S = 0.005
# A pass that found fewer rows than this means commits are sparse: the next one is relayed
# at once (no linger), so an event at low load, a rule-one removal say, waits for nothing.
LINGER_ABOVE = 8
# KEYS[1] a stream; ARGV[1] its approximate MAXLEN, ARGV[2..] the entries' `__data__`, added
# in order. Returns how many were added.
XADD_ALL = """
local maxlen = ARGV[1]
for i = 2, #ARGV do
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', '__data__', ARGV[i])
end
return #ARGV - 1
"""
# Entries per script call: Redis runs a script to its end before serving anyone else, so a
# call is kept to about a millisecond of its time.
XADD_CHUNK = 500


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        redis: Redis,
        *,
        prefix: str,
        maxlen: int,
        batch: int,
        poll_s: float,
    ) -> None:
        self.db = db
        self.redis = redis
        self.prefix = prefix
        self.maxlen = maxlen
        self.batch = batch
        self.poll_s = poll_s
        self._task: asyncio.Task[None] | None = None
        self._passes = 0
        # The last pass that has published what it read, and an event set at each one.
        self._published = 0
        self._progress = asyncio.Event()
        # One pass at a time per relay: on SQLite rows are read without a lock, so two
        # overlapping passes would publish the same rows twice.
        self._lock = asyncio.Lock()
        self.statements = OutboxRows(db, batch=batch)
        self._xadd_all = redis.register_script(XADD_ALL)

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.db.service}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            raise_if_cancelling()  # swallowed by a `wait_for` (shared.cancellation)
            # Cleared before the pass: a commit made during it wakes the next one.
            self.db.outbox_signal.clear()
            relayed = await self._relay_with_retry()
            if relayed >= self.batch:
                continue  # more waiting: no sleep
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.db.outbox_signal.wait(), self.poll_s)
                if relayed >= LINGER_ABOVE:
                    # Busy: let the commits of the next moment join this pass.
                    await asyncio.sleep(LINGER_S)

    async def _relay_with_retry(self) -> int:
        """One pass, retried with exponential backoff and jitter until Redis and the database
        take it; the backoff starts afresh at the next pass."""
        async for attempt in AsyncRetrying(
            wait=wait_exponential_jitter(initial=0.1, max=30),
            retry=retry_if_exception_type(Exception),
            before_sleep=self._count_failure,
        ):
            with attempt:
                return await self.relay_once()
        raise AssertionError("unreachable: tenacity retries forever")  # pragma: no cover

    def _count_failure(self, state: RetryCallState) -> None:
        OUTBOX_RELAY_FAILURES.labels(self.db.service).inc()
        error = state.outcome.exception() if state.outcome else None
        log.warning("outbox_relay_failed", attempt=state.attempt_number, error=type(error).__name__)

    async def relay_once(self) -> int:
        """Publish one batch of unpublished rows; returns how many were relayed.

        PostgreSQL: the rows are claimed and marked by one UPDATE .. RETURNING (rows locked
        with SKIP LOCKED, so replicas never publish the same row), published in one pipeline,
        and the mark commits after. SQLite has one process per service: the rows are read
        without a lock, published, then marked in a short write transaction (one UPDATE), so
        the Redis round trip never holds SQLite's single write lock.
        """
        async with self._lock:
            return await self._relay_locked()

    @property
    def passes(self) -> int:
        """How many passes have started."""
        return self._passes

    async def published_after(self, passes: int, timeout_s: float) -> bool:
        """Wait until a pass that started after the first `passes` has published what it
        read (the oldest unpublished rows committed before it started, up to its batch), or
        `timeout_s`. False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self._published <= passes:
            left = deadline - loop.time()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress.wait(), left)
        return True

    def _passed_publishing(self, number: int) -> None:
        self._published = number
        progress, self._progress = self._progress, asyncio.Event()
        progress.set()

    async def _relay_locked(self) -> int:
        db = self.db
        self._passes += 1
        number = self._passes
        # Now and then the published rows past their retention are deleted.
        sweep = self._passes % 1000 == 1
        if db.sync_sqlite is not None:
            # SQLite file: the read and the mark each one hop to a thread through the
            # synchronous engine (through aiosqlite every statement, BEGIN and COMMIT
            # included, is a hop of its own).
            rows = await db.sync_sqlite.run(self.statements.unpublished_sync)
            pending = 0
            if rows:
                await self._publish(rows)
            self._passed_publishing(number)
            if rows or sweep:
                async with db.writer_lock():
                    pending = await db.sync_sqlite.run(
                        functools.partial(self.statements.mark_sync, rows=rows, sweep=sweep)
                    )
        elif db.is_sqlite:  # in memory: one connection, the async engine
            async with db.read() as session:
                rows = list((await session.execute(self.statements.select_unpublished())).all())
            if rows:
                await self._publish(rows)
            self._passed_publishing(number)
            async with db.engine.begin() as conn:
                pending = await conn.run_sync(self.statements.mark_on, rows, sweep)
        else:
            # PostgreSQL: the rows are claimed and marked in one statement (UPDATE ..
            # RETURNING on rows locked with SKIP LOCKED, so replicas never take the same),
            # published, then committed; if publishing fails the mark is rolled back.
            pending = 0
            async with db.engine.begin() as conn:
                rows = sorted((await conn.execute(*self.statements.claim())).all(), key=by_id)
                if rows:
                    await self._publish(rows)
                self._passed_publishing(number)
                if len(rows) >= self.batch or sweep:  # else nothing to count or delete
                    pending = await conn.run_sync(self.statements.bookkeeping, len(rows), sweep)
        OUTBOX_PENDING.labels(db.service).set(pending)
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.event_type] = counts.get(row.event_type, 0) + 1
        for event_type, count in counts.items():
            OUTBOX_PUBLISHED.labels(db.service, event_type).inc(count)
        return len(rows)

    async def _publish(self, rows: list[Any]) -> None:
        """Every row to its stream (and an urgent one to its priority lane first), in id order
        within each stream: one script call per stream, chunked, instead of a pipeline of one
        XADD per row. Each call is one command to pack and one reply to read where redis-py
        spends ~50 us per pipelined XADD here (packing, a reply and its callback each): ~7 us
        an entry, Redis's own work included. Each call touches one key, as Redis Cluster
        requires of a script."""
        urgent: dict[str, list[bytes]] = {}
        normal: dict[str, list[bytes]] = {}
        for row in rows:
            # Written in FastStream's envelope, so its subscribers read headers too.
            data = envelope.encode(row.payload.encode(), row.correlation_id)
            stream = stream_name(self.prefix, row.event_type)
            if row.priority:  # the priority copy first: its reader waits on an empty stream
                urgent.setdefault(lane_name(stream, PRIORITY_LANE), []).append(data)
            normal.setdefault(stream, []).append(data)
        for streams in (urgent, normal):
            for stream, entries in streams.items():
                for start in range(0, len(entries), XADD_CHUNK):
                    await self._xadd_all(
                        keys=[stream],
                        args=[self.maxlen, *entries[start : start + XADD_CHUNK]],
                    )
