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
from datetime import timedelta
from typing import Any

from faststream.redis.parser import BinaryMessageFormatV1
from redis.asyncio import Redis
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_exponential_jitter,
)

from shared.db.database import Database
from shared.events.base import utc_now
from shared.events.streams import PRIORITY_LANE, lane_name, stream_name
from shared.observability.logging import get_logger
from shared.observability.metrics import (
    OUTBOX_PENDING,
    OUTBOX_PUBLISHED,
    OUTBOX_RELAY_FAILURES,
)

log = get_logger(__name__)

PUBLISHED_RETENTION = timedelta(days=3)
LINGER_S = 0.005
# A pass that found fewer rows than this means commits are sparse: the next one is relayed
# at once (no linger), so an event at low load, a rule-one removal say, waits for nothing.
LINGER_ABOVE = 8


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
        # One pass at a time per relay: on SQLite rows are read without a lock, so two
        # overlapping passes would publish the same rows twice.
        self._lock = asyncio.Lock()

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

        PostgreSQL: the rows stay locked (SKIP LOCKED) from read to mark, so replicas never
        publish the same row. SQLite has one process per service: the rows are read without
        a lock, published, then marked in a short write transaction, so the Redis round trip
        never holds SQLite's single write lock.
        """
        async with self._lock:
            return await self._relay_locked()

    async def _relay_locked(self) -> int:
        if self.db.is_sqlite:
            async with self.db.read() as session:
                rows = await self._unpublished(session, lock=False)
            if rows:
                await self._publish(rows)
            async with self.db.unit_of_work() as uow:
                await self._mark(uow.session, rows)
        else:
            async with self.db.unit_of_work() as uow:
                rows = await self._unpublished(uow.session, lock=True)
                if rows:
                    await self._publish(rows)
                await self._mark(uow.session, rows)
        for row in rows:
            OUTBOX_PUBLISHED.labels(self.db.service, row.event_type).inc()
        return len(rows)

    async def _unpublished(self, session: AsyncSession, *, lock: bool) -> list[Any]:
        outbox = self.db.tables.outbox
        query = (
            select(
                outbox.c.id,
                outbox.c.event_type,
                outbox.c.payload,
                outbox.c.correlation_id,
                outbox.c.priority,
            )
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(self.batch)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return list((await session.execute(query)).all())

    async def _publish(self, rows: list[Any]) -> None:
        # Written in FastStream's envelope, so its subscribers read headers too.
        async with self.redis.pipeline(transaction=False) as pipe:
            for row in rows:
                data = await BinaryMessageFormatV1.encode(
                    message=row.payload.encode(),
                    reply_to=None,
                    headers={"content-type": "application/json"},
                    correlation_id=row.correlation_id,
                )
                stream = stream_name(self.prefix, row.event_type)
                # The priority copy first: its reader is waiting on an empty stream.
                targets = [lane_name(stream, PRIORITY_LANE), stream] if row.priority else [stream]
                for target in targets:
                    pipe.xadd(target, {"__data__": data}, maxlen=self.maxlen, approximate=True)
            await pipe.execute()

    async def _mark(self, session: AsyncSession, rows: list[Any]) -> None:
        outbox = self.db.tables.outbox
        if rows:
            await session.execute(
                update(outbox)
                .where(outbox.c.id.in_([r.id for r in rows]))
                .values(published_at=utc_now(), attempts=outbox.c.attempts + 1)
            )
        if len(rows) < self.batch:
            OUTBOX_PENDING.labels(self.db.service).set(0)  # took everything there was
        else:
            pending = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
            OUTBOX_PENDING.labels(self.db.service).set(pending or 0)
        self._passes += 1
        if self._passes % 1000 == 1:
            await session.execute(
                delete(outbox).where(outbox.c.published_at < utc_now() - PUBLISHED_RETENTION)
            )
