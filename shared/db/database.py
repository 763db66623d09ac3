"""A service's database: engine, sessions, its platform tables, and units of work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import MetaData, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db.engine import READ_ONLY, create_engine, is_sqlite
from shared.db.group_commit import GroupCommitter
from shared.db.migrations import upgrade_to_head
from shared.db.platform_tables import PlatformTables
from shared.db.records import NewRecord, Taken, store_one
from shared.db.sync_sqlite import sync_sqlite
from shared.db.uow import UnitOfWork, inside_unit_of_work
from shared.db.writer_lock import WriterLock

T = TypeVar("T")


class Database:
    def __init__(
        self,
        url: str,
        *,
        service: str,
        metadata: MetaData,
        tables: PlatformTables,
        migrations: Path | None,
    ) -> None:
        self.url = url
        self.service = service
        self.metadata = metadata
        self.tables = tables
        self.migrations = migrations
        self.engine = create_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        self.is_sqlite = is_sqlite(url)
        self.writer = WriterLock() if self.is_sqlite else None
        # Set after a commit that wrote outbox rows, so the relay publishes at once.
        self.outbox_signal = asyncio.Event()
        # SQLite: request writes share transactions (see `write`); new records are stored
        # through a synchronous engine, a group in one hop (`shared.db.sync_sqlite`).
        self.sync_sqlite = sync_sqlite(url) if self.is_sqlite else None
        self.group_commit = GroupCommitter(self) if self.is_sqlite else None
        # New records are grouped on both: on PostgreSQL a group shares one transaction of
        # multi-row statements (`GroupCommitter._records_on_server`).
        self.record_commit = self.group_commit or GroupCommitter(self)

    async def migrate(self) -> None:
        if self.migrations is None:
            # Throwaway databases (benchmarks, test probes) have no revisions: create tables.
            async with self.engine.begin() as conn:
                await conn.run_sync(self.metadata.create_all)
            return
        await upgrade_to_head(self.engine, self.migrations, f"alembic_version_{self.service}")

    async def ping(self) -> None:
        async with self.read() as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.record_commit.stop()
        if self.sync_sqlite is not None:
            self.sync_sqlite.dispose()
        await self.engine.dispose()

    async def write(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """`work(uow)` in a transaction; returns its result once that has committed, raises
        what `work` raised with nothing of it stored. On SQLite the transaction is shared
        with other requests' writes (group commit, each in its own savepoint); on
        PostgreSQL, whose writers run side by side, it is a transaction of its own."""
        if self.group_commit is not None:
            return await self.group_commit.submit(work)
        uow: UnitOfWork | None = None
        try:
            async with self.unit_of_work() as uow:
                return await work(uow)
        except DBAPIError as exc:
            # The connection died before COMMIT was sent: nothing of it is stored, so the
            # transaction runs again, once, on a fresh connection. Lost during COMMIT it may
            # have committed: that error is the caller's.
            if not exc.connection_invalidated or uow is None or uow.committing:
                raise
        async with self.unit_of_work() as uow:
            return await work(uow)

    async def write_new(self, record: NewRecord) -> Any:
        """Store a new record (`shared.db.records`) and return its result once committed, or,
        when its row key or Idempotency-Key is taken, run its `otherwise` instead. On SQLite
        a group's new records share one multi-row statement per table; on PostgreSQL they
        share a transaction of such statements."""
        return await self.record_commit.submit_record(record)

    async def write_new_alone(self, record: NewRecord) -> Any:
        """`write_new` in a transaction of its own (PostgreSQL: one statement for the key,
        the row and the events, `shared.db.records`)."""
        for attempt in (1, 2):
            try:
                async with self.unit_of_work() as uow:
                    return await store_one(uow, record)
            except Taken:
                break
            except DBAPIError as exc:
                # The connection died: stored again on a fresh one. Even if the first COMMIT
                # went through, this is safe: its keys are then taken and `otherwise`
                # answers as the first time did (replay), storing and emitting nothing.
                if not exc.connection_invalidated or attempt == 2:
                    raise
        return await self.write(record.otherwise)

    @asynccontextmanager
    async def unit_of_work(self, *, urgent: bool = False) -> AsyncIterator[UnitOfWork]:
        """One transaction: commits when the block ends, rolls back if it raises. An
        `urgent` one goes before the ordinary writers waiting for SQLite's lock."""
        with inside_unit_of_work():
            async with self._transaction(urgent) as uow:
                yield uow

    def writer_lock(self, *, urgent: bool = False) -> AbstractAsyncContextManager[object]:
        """SQLite has one writer at a time: this process's writers queue here, in order
        (urgent ones first, `shared.db.writer_lock`), instead of in SQLite's busy handler,
        which sleeps in growing steps (long tails)."""
        if self.writer is None:
            return contextlib.nullcontext()
        return self.writer.hold(urgent=urgent)

    @asynccontextmanager
    async def _transaction(self, urgent: bool) -> AsyncIterator[UnitOfWork]:
        async with self.writer_lock(urgent=urgent), self.sessions() as session:
            async with session.begin():
                uow = UnitOfWork(session, self.tables)
                yield uow
                uow.committing = True
            # Committed: now what mirrors it may follow.
            for hook in uow.after_commit:
                hook()
        if uow.emitted:
            self.outbox_signal.set()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only transaction: on SQLite it waits for no writer. Its statements see one
        snapshot (PostgreSQL: REPEATABLE READ; SQLite's read transactions already do), so a
        row and its children read in two statements never straddle another's commit."""
        async with self._read_sessions() as session, session.begin():
            if not self.is_sqlite:
                await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session
