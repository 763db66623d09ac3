"""A service's database: engine, sessions, its platform tables, and units of work."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db.engine import READ_ONLY, create_engine, is_sqlite
from shared.db.migrations import upgrade_to_head
from shared.db.platform_tables import PlatformTables
from shared.db.uow import UnitOfWork

_in_unit_of_work: ContextVar[bool] = ContextVar("in_unit_of_work", default=False)


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
        # SQLite has one writer at a time. Writers of this process queue here, in order,
        # instead of in SQLite's busy handler, which sleeps in growing steps (long tails).
        self._sqlite_writer = asyncio.Lock() if self.is_sqlite else None
        # Set after a commit that wrote outbox rows, so the relay publishes at once.
        self.outbox_signal = asyncio.Event()

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
        await self.engine.dispose()

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        """One transaction: commits when the block ends, rolls back if it raises."""
        if _in_unit_of_work.get():
            # On SQLite it would wait forever for the writer lock its own caller holds.
            raise RuntimeError("a unit of work inside a unit of work: use the outer one")
        token = _in_unit_of_work.set(True)
        try:
            async with self._transaction() as uow:
                yield uow
        finally:
            _in_unit_of_work.reset(token)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[UnitOfWork]:
        async with contextlib.AsyncExitStack() as stack:
            if self._sqlite_writer is not None:
                await stack.enter_async_context(self._sqlite_writer)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            uow = UnitOfWork(session, self.tables)
            yield uow
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
