"""How a group of writes is stored, once the committer (`shared.db.group_commit`) took it.

SQLite: new records first, in one hop to a thread (one transaction of bulk statements), then
the rest in one transaction, each write in a SAVEPOINT of its own run in its caller's context;
a write that fails is rolled back alone, a commit that fails fails them all. PostgreSQL: the
group's new records in one transaction through asyncpg (`shared.db.pg_bulk`); a record not
stored there is its caller's to store alone (`Alone`).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from shared.db.pg_bulk import store_many_pg
from shared.db.record_groups import store_many, store_many_sync
from shared.db.records import NewRecord, store_or_otherwise
from shared.db.uow import UnitOfWork, inside_unit_of_work

if TYPE_CHECKING:
    from shared.db.database import Database

Write = Callable[[UnitOfWork], Awaitable[Any]]


class Alone:
    """A PostgreSQL group's answer to a record it did not store: its caller stores it in a
    transaction of its own (`taken`: a key was taken, so that is its `otherwise`)."""

    def __init__(self, *, taken: bool) -> None:
        self.taken = taken


TAKEN = Alone(taken=True)
FAILED = Alone(taken=False)


@dataclass
class Queued:
    """One write waiting for its group, then how it came out."""

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

    def count(self, writes: int) -> None:
        self.transactions += 1
        self.writes += writes
        self.largest = max(self.largest, writes)


async def records_in_thread(db: Database, group: list[Queued], stats: GroupStats) -> None:
    """Store the group's new records in one synchronous transaction and answer those
    stored; the others (a key taken, or a failure to find) stay for the async path."""
    sync = db.sync_sqlite
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
    stats.count(len(group))
    if any(stored):
        db.outbox_signal.set()
    for queued, record, new in zip(group, records, stored, strict=True):
        if new:
            queued.done = True
            if not queued.future.done():
                queued.future.set_result(record.result)
        else:
            queued.record = None  # a key was taken: its `otherwise`, as a plain write


async def records_on_server(db: Database, group: list[Queued], stats: GroupStats) -> None:
    """PostgreSQL: the group's new records in one transaction (`store_many_pg`: an
    INSERT .. ON CONFLICT DO NOTHING RETURNING per table, one outbox insert);
    each caller is answered once it committed, or told to store its record alone."""
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
                queued.future.set_result(FAILED)
        return
    except BaseException:
        for queued in group:
            queued.future.cancel()
        raise
    stats.count(len(group))
    if any(stored):
        db.outbox_signal.set()
    for queued, record, new in zip(group, records, stored, strict=True):
        if not queued.future.done():
            queued.future.set_result(record.result if new else TAKEN)


async def in_transaction(db: Database, group: list[Queued], stats: GroupStats) -> None:
    try:
        async with db.writer_lock(), db.sessions() as session:
            async with session.begin():
                await _records(db, session, [q for q in group if q.record is not None])
                for queued in group:
                    if not queued.done:
                        await _one(db, session, queued)
            stats.count(len(group))
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


async def _records(db: Database, session: Any, group: list[Queued]) -> None:
    """The group's new records, all at once; those not stored run one by one after."""
    records = [q.record for q in group if q.record is not None]
    if not group:
        return
    if len(group) == 1:  # alone: its own savepoint (`_one`) is enough
        group[0].write = functools.partial(store_or_otherwise, record=records[0])
        return
    uow = UnitOfWork(session, db.tables)
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


async def _one(db: Database, session: Any, queued: Queued) -> None:
    """One write in its own savepoint, in its caller's context."""
    uow = UnitOfWork(session, db.tables)
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
