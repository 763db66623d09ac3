"""A group's new records on PostgreSQL through asyncpg itself (`record_groups.store_plan`).

Through SQLAlchemy each of a group's statements is built into an execution context, its
parameters processed one by one and expanded into a multi-row VALUES, and run in a greenlet:
on one core that was a tenth of an ingest request's CPU. Here each statement is SQL written
once per table and column set, with one array parameter per column (`unnest`), so a group of
any size is the same prepared statement; values go through the columns' own SQLAlchemy bind
processors first, so what is stored is what SQLAlchemy would have stored.

(On SQLite the same through sqlite3 directly saved nothing measurable: there a group's CPU
is the values' conversion and SQLite's own work, the same either way.)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table

from shared.db.platform_tables import PlatformTables
from shared.db.record_groups import InsertAll, InsertNew, PlanRun, Statement, store_plan
from shared.db.records import NewRecord
from shared.db.unnest import DIALECT, array_of, arrays, insert_sql


async def store_many_pg(
    conn: Any, tables: PlatformTables, records: Sequence[NewRecord]
) -> list[bool]:
    """`store_plan` on an asyncpg connection, inside the caller's transaction."""
    run = PlanRun(store_plan(tables, records))
    statement = run.step()
    while statement is not None:
        statement = run.step(await _execute(conn, statement))
    return run.stored


async def _execute(conn: Any, statement: Statement) -> list[bool] | None:
    if isinstance(statement, InsertNew):
        return await _insert_new(conn, statement.table, statement.rows)
    if isinstance(statement, InsertAll):
        names = tuple(statement.rows[0])
        sql = insert_sql(statement.table, names, returning=False)
        await conn.execute(sql, *arrays(statement.table, names, statement.rows))
        return None
    keys = statement.keys
    await conn.execute(
        _delete_keys_sql(statement.table), [k[0] for k in keys], [k[1] for k in keys]
    )
    return None


async def _insert_new(conn: Any, table: Table, rows: list[dict[str, Any]]) -> list[bool]:
    names = tuple(rows[0])
    found = await conn.fetch(insert_sql(table, names, returning=True), *arrays(table, names, rows))
    pk = [c.name for c in table.primary_key.columns]
    inserted = {tuple(r) for r in found}
    return [tuple(row[name] for name in pk) in inserted for row in rows]


@functools.cache
def _delete_keys_sql(table: Table) -> str:
    preparer = DIALECT.identifier_preparer
    t, k = table.c.tenant_id, table.c.key
    kinds = array_of(t.type), array_of(k.type)
    return (
        f"DELETE FROM {preparer.format_table(table)} WHERE "  # noqa: S608
        f"({preparer.quote(t.name)}, {preparer.quote(k.name)}) IN "
        f"(SELECT * FROM unnest($1::{kinds[0]}[], $2::{kinds[1]}[]))"
    )
