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

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, insert, or_
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


def store_many_sync(
    conn: Connection, tables: PlatformTables, records: Sequence[NewRecord]
) -> list[bool]:
    """Store every record whose keys are free, in a few statements whatever their number;
    for each record, True if stored. A record not stored left no row behind (its
    Idempotency-Key row, if written before its row key was found taken, is deleted)."""
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
    with_key = [i for i in candidates if records[i].idempotency is not None]
    claimed = insert_new(conn, keys_table, [records[i].idempotency or {} for i in with_key])
    lost_key = {i for i, new in zip(with_key, claimed, strict=True) if not new}
    by_table: dict[str, list[int]] = {}
    for i in candidates:
        if i not in lost_key:
            by_table.setdefault(records[i].table.name, []).append(i)
    orphaned_keys: list[tuple[Any, ...]] = []
    for indexes in by_table.values():
        table = records[indexes[0]].table
        new = insert_new(conn, table, [records[i].row for i in indexes])
        for i, is_new in zip(indexes, new, strict=True):
            if is_new:
                stored[i] = True
            elif (idem := records[i].idempotency_key()) is not None:
                orphaned_keys.append(idem)
    if orphaned_keys:
        conn.execute(
            delete(keys_table).where(
                or_(
                    *(
                        and_(keys_table.c.tenant_id == t, keys_table.c.key == k)
                        for t, k in orphaned_keys
                    )
                )
            )
        )
    events = [e for r, s in zip(records, stored, strict=True) if s for e in r.events]
    if events:
        conn.execute(insert(tables.outbox), outbox_rows(events))
    return stored
