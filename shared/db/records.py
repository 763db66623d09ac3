"""New records: a write whose common case is known before it runs, so that many of them can
be stored with one multi-row statement per table.

An ingest request is, almost always, a new report under a new Idempotency-Key: a row, the
events it causes and the answer to store with the key. `NewRecord` says exactly that, plus
what to run instead (`otherwise`, the general path: replay, conflict) when the row's key or
the Idempotency-Key turns out to be taken. `store_many` (`record_groups`) writes a group with
one INSERT .. ON CONFLICT DO NOTHING RETURNING per table and one outbox insert; a record
whose key was taken leaves nothing behind and is handed back for its `otherwise`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql

from shared.db.record_groups import (
    DeleteKeys,
    InsertAll,
    InsertNew,
    Plan,
    PlanRun,
    Statement,
    store_many,
    store_many_sync,
    store_plan,
)
from shared.db.statements import insert_if_new
from shared.db.uow import UnitOfWork, outbox_rows
from shared.events.base import Event

# A group's store is `shared.db.record_groups`; its names stay importable from here.
__all__ = [
    "DeleteKeys",
    "Fresh",
    "InsertAll",
    "InsertNew",
    "NewRecord",
    "Plan",
    "PlanRun",
    "Statement",
    "Taken",
    "store_many",
    "store_many_sync",
    "store_one",
    "store_or_otherwise",
    "store_plan",
]


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
