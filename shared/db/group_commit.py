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
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from shared.db.group_store import (
    Alone,
    GroupStats,
    Queued,
    Write,
    in_transaction,
    records_in_thread,
    records_on_server,
)
from shared.db.records import NewRecord
from shared.db.uow import UnitOfWork

if TYPE_CHECKING:
    from shared.db.database import Database

# How a group is stored is `shared.db.group_store`; these names stay importable from here.
__all__ = ["MAX_BATCH", "PG_GROUPS_IN_FLIGHT", "GroupCommitter", "GroupStats", "Write"]

T = TypeVar("T")

MAX_BATCH = 64
# PostgreSQL: groups in flight at once. One at a time, every request waited for the whole
# round of the group before it (BEGIN, the statements, COMMIT and its WAL flush, ~4 ms here)
# while the process sat idle; with two, one group gathers while the other commits. More
# would make smaller groups (each costs a BEGIN and a COMMIT of CPU). Each holds a pool
# connection.
PG_GROUPS_IN_FLIGHT = 2


class GroupCommitter:
    def __init__(self, db: Database, *, max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.max_batch = max_batch
        self.stats = GroupStats()
        self._queue: list[Queued] = []
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
        if isinstance(outcome, Alone):  # PostgreSQL: this caller's own transaction
            if outcome.taken:
                return await self.db.write(record.otherwise)
            return await self.db.write_new_alone(record)
        return outcome

    async def _submit(self, write: Write, record: NewRecord | None) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append(Queued(write, future, contextvars.copy_context(), record))
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

    async def _commit_then_release(self, group: list[Queued]) -> None:
        try:
            await self._commit(group)
        finally:
            self._slots.release()

    async def _commit(self, group: list[Queued]) -> None:
        if not self.db.is_sqlite:
            await records_on_server(self.db, group, self.stats)
            return
        records = [q for q in group if q.record is not None]
        if records and self.db.sync_sqlite is not None:
            # New records first, in one hop to a thread: one transaction of bulk statements.
            await records_in_thread(self.db, records, self.stats)
            group = [q for q in group if not q.done]
        if group:
            await in_transaction(self.db, group, self.stats)
