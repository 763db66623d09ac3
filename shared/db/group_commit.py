"""Group commit for SQLite: many requests' writes in one transaction.

SQLite has one writer. One transaction per request makes every request pay a BEGIN, a
COMMIT and a turn at the write lock, one after another. Here a committer task takes every
write queued while the previous transaction ran (up to `max_batch`), runs each in a
SAVEPOINT of one transaction, commits once, and only then answers each request. A write
that fails is rolled back to its savepoint alone and its caller gets its own exception; the
others commit. If the commit itself fails, every write of the group gets that error and none
is stored. A caller's context (correlation id, log fields) is the one its write runs in.

On PostgreSQL, whose writers run side by side, only new records are grouped
(`submit_record`): a group's keys, rows and events go in one transaction of one multi-row
statement per table, one BEGIN and one COMMIT (one WAL flush) for all of them instead of
one each, and two groups are in flight at once (one gathers while the other commits). A
record whose key was taken, or a group that failed, is then stored by its own caller in a
transaction of its own (`Database.write_new_alone`), so a failure is its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Engine

from shared.db.pg_bulk import store_many_pg
from shared.db.record_groups import store_many, store_many_sync
from shared.db.records import NewRecord, store_or_otherwise
from shared.db.uow import UnitOfWork, inside_unit_of_work

if TYPE_CHECKING:
    from shared.db.database import Database

T = TypeVar("T")
Write = Callable[[UnitOfWork], Awaitable[Any]]

MAX_BATCH = 64
# PostgreSQL: groups in flight at once. One at a time, every request waited for the whole
# round of the group before it (BEGIN, the statements, COMMIT and its WAL flush, ~4 ms here)
# while the process sat idle; with two, one group gathers while the other commits. More
# would make smaller groups (each costs a BEGIN and a COMMIT of CPU). Each holds a pool
# connection.
PG_GROUPS_IN_FLIGHT = 2


class _Alone:
    """A PostgreSQL group's answer to a record it did not store: its caller stores it in a
    transaction of its own (`taken`: a key was taken, so that is its `otherwise`)."""

    def __init__(self, *, taken: bool) -> None:
        self.taken = taken


_TAKEN = _Alone(taken=True)
_FAILED = _Alone(taken=False)


@dataclass
class _Queued:
    write: Write
    future: asyncio.Future[Any]
    context: contextvars.Context
    record: NewRecord | None = None
    uow: UnitOfWork | None = field(default=None)
    result: Any = None
    error: BaseException | None = None
    done: bool = False


@dataclass
class GroupStats:
    """What the committer did so far (tests and metrics read it)."""

    transactions: int = 0
    writes: int = 0
    largest: int = 0


class GroupCommitter:
    def __init__(self, db: Database, *, max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.max_batch = max_batch
        self.stats = GroupStats()
        self._queue: list[_Queued] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._slots = asyncio.Semaphore(1 if db.is_sqlite else PG_GROUPS_IN_FLIGHT)
        self._in_flight: set[asyncio.Task[None]] = set()

    async def submit(self, write: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `write(uow)` in the next group; returns its result once the group committed."""
        return cast(T, await self._submit(write, None))

    async def submit_record(self, record: NewRecord) -> Any:
        """Store `record` with the next group's other new records (a statement per table for
        all of them), or run its `otherwise` if a key was taken; the result once committed."""
        outcome = await self._submit(record.otherwise, record)
        if isinstance(outcome, _Alone):  # PostgreSQL: this caller's own transaction
            if outcome.taken:
                return await self.db.write(record.otherwise)
            return await self.db.write_new_alone(record)
        return outcome

    async def _submit(self, write: Write, record: NewRecord | None) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(write, future, contextvars.copy_context(), record))
        self._wakeup.set()
        if self._task is None or self._task.done():
            # An empty context: the committer itself carries no request's fields.
            self._task = asyncio.create_task(
                self._run(), name=f"group-commit-{self.db.service}", context=contextvars.Context()
            )
        return await future

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._in_flight):  # their callers hear of the cancellation
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for queued in self._queue:  # never run: nothing of them is stored
            queued.future.cancel()
        self._queue.clear()

    async def _run(self) -> None:
        while True:
            if not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
            # A free slot first: while every slot is busy, what arrives joins the next group.
            await self._slots.acquire()
            # Whatever arrived while the last group ran (or in this same tick) is the group.
            await asyncio.sleep(0)
            group = [q for q in self._queue[: self.max_batch] if not q.future.done()]
            del self._queue[: self.max_batch]
            if self.db.is_sqlite or not group:  # SQLite has one writer: a group at a time
                try:
                    if group:
                        await self._commit(group)
                finally:
                    self._slots.release()
                continue
            task = asyncio.create_task(self._commit_then_release(group))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _commit_then_release(self, group: list[_Queued]) -> None:
        try:
            await self._commit(group)
        finally:
            self._slots.release()

    async def _commit(self, group: list[_Queued]) -> None:
        if not self.db.is_sqlite:
            await self._records_on_server(group)
            return
        records = [q for q in group if q.record is not None]
        if records and self.db.sync_sqlite is not None:
            # New records first, in one hop to a thread: one transaction of bulk statements.
            await self._records_in_thread(records)
            group = [q for q in group if not q.done]
        if group:
            await self._in_transaction(group)

    async def _records_in_thread(self, group: list[_Queued]) -> None:
        """Store the group's new records in one synchronous transaction and answer those
        stored; the others (a key taken, or a failure to find) stay for the async path."""
        db, sync = self.db, self.db.sync_sqlite
        assert sync is not None
        records = [q.record for q in group if q.record is not None]

        def store(engine: Engine) -> list[bool]:
            with engine.begin() as conn:
                return store_many_sync(conn, db.tables, records)

        try:
            async with db.writer_lock():
                stored = await sync.run(store)
        except Exception:
            # Rolled back: each record on its own, so a failure is its caller's alone.
            for queued, record in zip(group, records, strict=True):
                queued.write = functools.partial(store_or_otherwise, record=record)
                queued.record = None
            return
        self._count(len(group))
        if any(stored):
            db.outbox_signal.set()
        for queued, record, new in zip(group, records, stored, strict=True):
            if new:
                queued.done = True
                if not queued.future.done():
                    queued.future.set_result(record.result)
            else:
                queued.record = None  # a key was taken: its `otherwise`, as a plain write

    async def _records_on_server(self, group: list[_Queued]) -> None:
        """PostgreSQL: the group's new records in one transaction (`store_many_pg`: an
        INSERT .. ON CONFLICT DO NOTHING RETURNING per table, one outbox insert);
        each caller is answered once it committed, or told to store its record alone."""
        db = self.db
        records = [q.record for q in group if q.record is not None]
        try:
            async with db.engine.connect() as conn:
                # asyncpg itself, in a transaction of its own (`shared.db.pg_bulk`).
                raw: Any = (await conn.get_raw_connection()).driver_connection
                async with raw.transaction():
                    stored = await store_many_pg(raw, db.tables, records)
        except Exception:
            # Rolled back, nothing stored: each on its own, so a failure is its caller's.
            for queued in group:
                if not queued.future.done():
                    queued.future.set_result(_FAILED)
            return
        except BaseException:
            for queued in group:
                queued.future.cancel()
            raise
        self._count(len(group))
        if any(stored):
            db.outbox_signal.set()
        for queued, record, new in zip(group, records, stored, strict=True):
            if not queued.future.done():
                queued.future.set_result(record.result if new else _TAKEN)

    def _count(self, writes: int) -> None:
        self.stats.transactions += 1
        self.stats.writes += writes
        self.stats.largest = max(self.stats.largest, writes)

    async def _in_transaction(self, group: list[_Queued]) -> None:
        db = self.db
        try:
            async with db.writer_lock(), db.sessions() as session:
                async with session.begin():
                    await self._records(session, [q for q in group if q.record is not None])
                    for queued in group:
                        if not queued.done:
                            await self._one(session, queued)
                self._count(len(group))
        except BaseException as exc:
            # Nothing of this group is stored: every caller hears why.
            for queued in group:
                if queued.future.done():
                    continue
                if isinstance(exc, Exception):
                    queued.future.set_exception(queued.error or exc)
                else:
                    queued.future.cancel()
            if not isinstance(exc, Exception):
                raise
            return
        committed = {id(q.uow): q.uow for q in group if q.error is None and q.uow is not None}
        for uow in committed.values():
            for hook in uow.after_commit:
                hook()
        if any(uow.emitted for uow in committed.values()):
            db.outbox_signal.set()
        for queued in group:
            if queued.future.done():
                continue
            if queued.error is not None:
                queued.future.set_exception(queued.error)
            else:
                queued.future.set_result(queued.result)

    async def _records(self, session: Any, group: list[_Queued]) -> None:
        """The group's new records, all at once; those not stored run one by one after."""
        records = [q.record for q in group if q.record is not None]
        if not group:
            return
        if len(group) == 1:  # alone: its own savepoint (`_one`) is enough
            group[0].write = functools.partial(store_or_otherwise, record=records[0])
            return
        uow = UnitOfWork(session, self.db.tables)
        try:
            async with session.begin_nested():
                stored = await store_many(uow, records)
        except Exception:
            # Not a taken key (that is no error) but a failure: find it, each on its own.
            for queued, record in zip(group, records, strict=True):
                queued.write = functools.partial(store_or_otherwise, record=record)
            return
        for queued, record, new in zip(group, records, stored, strict=True):
            if new:
                queued.result, queued.uow, queued.done = record.result, uow, True

    async def _one(self, session: Any, queued: _Queued) -> None:
        """One write in its own savepoint, in its caller's context."""
        uow = UnitOfWork(session, self.db.tables)
        try:
            async with session.begin_nested():
                queued.result = await asyncio.create_task(
                    _in_unit_of_work(queued.write, uow), context=queued.context
                )
            queued.uow = uow
        except Exception as exc:
            queued.error = exc


async def _in_unit_of_work(write: Write, uow: UnitOfWork) -> Any:
    with inside_unit_of_work():
        return await write(uow)
