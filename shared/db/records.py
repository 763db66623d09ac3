"""New records: a write whose common case is known before it runs, so that many of them can
be stored with one multi-row statement per table.

An ingest request is, almost always, a new report under a new Idempotency-Key: a row, the
events it causes and the answer to store with the key. `NewRecord` says exactly that, plus
what to run instead (`otherwise`, the general path: replay, conflict) when the row's key or
the Idempotency-Key turns out to be taken. `store_many` writes a whole group of them with
one INSERT .. ON CONFLICT DO NOTHING RETURNING per table and one outbox insert; a record
whose key was taken leaves nothing behind and is handed back for its `otherwise`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from shared.db.platform_tables import PlatformTables
from shared.db.statements import insert_if_new, insert_new
from shared.db.uow import UnitOfWork, outbox_rows
from shared.events.base import Event


@dataclass(frozen=True)
class Fresh:
    """What a request stores when it is new, known before it runs: its row (keyed by the
    client's id), the events it causes, and its answer (status, body)."""

    table: Table
    row: dict[str, Any]
    events: Sequence[Event]
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class NewRecord:
    table: Table
    row: dict[str, Any]
    events: Sequence[Event]
    # Returned to the caller when the record was new and has committed.
    result: Any
    # The idempotency_keys row stored with it (None: the request carried no key).
    idempotency: dict[str, Any] | None
    # Run instead, in a transaction (or savepoint) of its own, when a key was taken.
    otherwise: Callable[[UnitOfWork], Awaitable[Any]]

    def key(self) -> tuple[Any, ...]:
        return (self.table.name, *(self.row[c.name] for c in self.table.primary_key.columns))

    def idempotency_key(self) -> tuple[Any, ...] | None:
        i = self.idempotency
        return None if i is None else (i["tenant_id"], i["key"])


class Taken(Exception):
    """The record's row key or Idempotency-Key is already stored: run its `otherwise`."""


async def store_or_otherwise(uow: UnitOfWork, record: NewRecord) -> Any:
    """The record alone, in the caller's transaction; its `otherwise` if a key was taken."""
    try:
        return await store_one(uow, record)
    except Taken:
        return await record.otherwise(uow)


async def store_one(uow: UnitOfWork, record: NewRecord) -> Any:
    """One record in the caller's transaction; raises `Taken` if a key was taken, having
    left nothing written (then run `record.otherwise`)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        return await _store_one_statement(uow, record)
    keys_table = uow.tables.idempotency_keys
    idem = record.idempotency
    if idem is not None and not await insert_if_new(uow.session, keys_table, idem):
        raise Taken
    if not await insert_if_new(uow.session, record.table, record.row):
        if idem is not None:
            await uow.session.execute(
                delete(keys_table).where(
                    keys_table.c.tenant_id == idem["tenant_id"], keys_table.c.key == idem["key"]
                )
            )
        raise Taken
    await uow.emit(*record.events)
    return record.result


async def store_many(uow: UnitOfWork, records: Sequence[NewRecord]) -> list[bool]:
    """`store_many_sync` in the unit of work's transaction."""
    tables = uow.tables

    def run(session: Session) -> list[bool]:
        return store_many_sync(session.connection(), tables, records)

    stored = await uow.session.run_sync(run)
    uow.emitted += sum(len(r.events) for r, new in zip(records, stored, strict=True) if new)
    return stored


@dataclass(frozen=True)
class InsertNew:
    """INSERT .. ON CONFLICT DO NOTHING of rows sharing their columns; answered per row with
    True if this stored it."""

    table: Table
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class InsertAll:
    table: Table
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class DeleteKeys:
    """Delete these (tenant_id, key) rows of the Idempotency-Key table."""

    table: Table
    keys: list[tuple[Any, ...]]


# One statement of a group's store, what it answers (`InsertNew`: a bool per row, else None).
Statement = InsertNew | InsertAll | DeleteKeys
Plan = Generator[Statement, list[bool] | None, list[bool]]


class PlanRun:
    """Steps a `store_plan`: `step(answer)` gives its next statement (None: done, `stored`
    holds its result). Shared by the synchronous and the asyncpg drivers."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.stored: list[bool] = []

    def step(self, answer: list[bool] | None = None) -> Statement | None:
        try:
            return self.plan.send(answer)
        except StopIteration as done:
            self.stored = done.value
            return None


def store_many_sync(
    conn: Connection, tables: PlatformTables, records: Sequence[NewRecord]
) -> list[bool]:
    """`store_plan` run on a synchronous connection (SQLite's, or PostgreSQL's in a greenlet)."""
    run = PlanRun(store_plan(tables, records))
    statement = run.step()
    while statement is not None:
        statement = run.step(_execute_sync(conn, statement))
    return run.stored


def _execute_sync(conn: Connection, statement: Statement) -> list[bool] | None:
    if isinstance(statement, InsertNew):
        return insert_new(conn, statement.table, statement.rows)
    if isinstance(statement, InsertAll):
        conn.execute(insert(statement.table), statement.rows)
        return None
    t = statement.table
    conn.execute(
        delete(t).where(or_(*(and_(t.c.tenant_id == a, t.c.key == b) for a, b in statement.keys)))
    )
    return None


def store_plan(tables: PlatformTables, records: Sequence[NewRecord]) -> Plan:
    """Store every record whose keys are free, in a few statements whatever their number;
    for each record, True if stored. A record not stored left no row behind (its
    Idempotency-Key row, if written before its row key was found taken, is deleted). The
    statements are yielded to the caller, which runs them on its connection and sends back
    what an `InsertNew` answered."""
    stored = [False] * len(records)
    seen_rows: set[tuple[Any, ...]] = set()
    seen_keys: set[tuple[Any, ...]] = set()
    candidates: list[int] = []
    # A key twice in one group: the first goes here, the second takes the `otherwise` path
    # after it (and then sees the first's row).
    for i, r in enumerate(records):
        idem = r.idempotency_key()
        if r.key() in seen_rows or (idem is not None and idem in seen_keys):
            continue
        seen_rows.add(r.key())
        if idem is not None:
            seen_keys.add(idem)
        candidates.append(i)
    keys_table = tables.idempotency_keys
    # Keys and rows in key order: concurrent groups (PostgreSQL) that share a key then
    # wait for each other in one order, never in a deadlock.
    with_key = sorted(
        (i for i in candidates if records[i].idempotency is not None),
        key=lambda i: records[i].idempotency_key() or (),
    )
    claimed: list[bool] = []
    if with_key:
        claimed = (
            yield InsertNew(keys_table, [records[i].idempotency or {} for i in with_key])
        ) or []
    lost_key = {i for i, new in zip(with_key, claimed, strict=True) if not new}
    by_table: dict[str, list[int]] = {}
    for i in candidates:
        if i not in lost_key:
            by_table.setdefault(records[i].table.name, []).append(i)
    orphaned_keys: list[tuple[Any, ...]] = []
    for indexes in by_table.values():
        indexes.sort(key=lambda i: records[i].key())
        table = records[indexes[0]].table
        new = (yield InsertNew(table, [records[i].row for i in indexes])) or []
        for i, is_new in zip(indexes, new, strict=True):
            if is_new:
                stored[i] = True
            elif (idem := records[i].idempotency_key()) is not None:
                orphaned_keys.append(idem)
    if orphaned_keys:
        yield DeleteKeys(keys_table, orphaned_keys)
    events = [e for r, s in zip(records, stored, strict=True) if s for e in r.events]
    if events:
        yield InsertAll(tables.outbox, outbox_rows(events))
    return stored


async def _store_one_statement(uow: UnitOfWork, record: NewRecord) -> Any:
    """PostgreSQL: the key, the row and the events in one statement (data-modifying CTEs,
    each insert conditioned on the one before through its RETURNING), so one round trip
    besides BEGIN and COMMIT. If the key went in but the row's key was taken, the caller's
    transaction is rolled back (`Taken`), which takes the key row with it."""
    tables = uow.tables
    idem = record.idempotency
    stmt = _one_statement(
        record.table,
        tables.idempotency_keys,
        tables.outbox,
        tuple(record.row),
        None if idem is None else tuple(idem),
        len(record.events),
    )
    params = {f"r_{k}": v for k, v in record.row.items()}
    if idem is not None:
        params.update({f"k_{k}": v for k, v in idem.items()})
    for i, row in enumerate(outbox_rows(record.events)):
        params.update({f"o{i}_{k}": v for k, v in row.items()})
    key_new, row_new = (await uow.session.execute(stmt, params)).one()
    if not (key_new and row_new):
        raise Taken
    uow.emitted += len(record.events)
    return record.result


OUTBOX_COLUMNS = (
    "event_id",
    "tenant_id",
    "event_type",
    "payload",
    "correlation_id",
    "created_at",
    "attempts",
    "priority",
)


@functools.cache
def _one_statement(
    table: Table,
    keys_table: Table,
    outbox: Table,
    row_columns: tuple[str, ...],
    key_columns: tuple[str, ...] | None,
    events: int,
) -> Any:
    def values(of: Table, prefix: str, columns: Sequence[str]) -> Select[Any]:
        return select(*(bindparam(f"{prefix}_{c}", type_=of.c[c].type).label(c) for c in columns))

    rows = values(table, "r", row_columns)
    key_new: Any = true()
    if key_columns is not None:
        k = (
            postgresql.insert(keys_table)
            .from_select(key_columns, values(keys_table, "k", key_columns))
            .on_conflict_do_nothing()
            .returning(keys_table.c.key)
            .cte("new_key")
        )
        key_new = exists(select(k.c.key))
        rows = rows.where(key_new)
    pk = table.primary_key.columns[0]
    r = (
        postgresql.insert(table)
        .from_select(row_columns, rows)
        .on_conflict_do_nothing()
        .returning(pk)
        .cte("new_row")
    )
    row_new = exists(select(r.c[pk.name]))
    selects = [values(outbox, f"o{i}", OUTBOX_COLUMNS).where(row_new) for i in range(events)]
    result = select(key_new, row_new)
    if selects:
        o = (
            insert(outbox)
            .from_select(OUTBOX_COLUMNS, selects[0] if len(selects) == 1 else union_all(*selects))
            .returning(outbox.c.id)
            .cte("new_events")
        )
        # Referenced, so that it is part of the statement (and so runs).
        result = result.where(select(func.count()).select_from(o).scalar_subquery() >= 0)
    return result
