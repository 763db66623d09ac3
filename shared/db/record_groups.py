"""A group of new records stored in a few statements whatever its size: one INSERT .. ON
CONFLICT DO NOTHING RETURNING per table and one outbox insert (`store_plan`), yielded as data
so that one plan runs on a synchronous connection (`store_many_sync`: SQLite, or PostgreSQL
in a greenlet) and on asyncpg itself (`shared.db.pg_bulk`). A record whose key was taken
leaves nothing behind and is handed back for its `otherwise` (`shared.db.records`)."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, and_, delete, insert, or_
from sqlalchemy.orm import Session

from shared.db.platform_tables import PlatformTables
from shared.db.statements import insert_new
from shared.db.uow import UnitOfWork, outbox_rows

if TYPE_CHECKING:  # records.py imports this module: its types only, for the annotations
    from shared.db.records import NewRecord


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
