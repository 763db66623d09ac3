"""A group's new records on PostgreSQL through asyncpg itself (`shared.db.records.store_plan`).

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
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Numeric, String, Table
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from shared.db.platform_tables import PlatformTables
from shared.db.records import InsertAll, InsertNew, NewRecord, PlanRun, Statement, store_plan

_DIALECT: Dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]


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
        sql = _insert_sql(statement.table, names, returning=False)
        await conn.execute(sql, *_arrays(statement.table, names, statement.rows))
        return None
    keys = statement.keys
    await conn.execute(
        _delete_keys_sql(statement.table), [k[0] for k in keys], [k[1] for k in keys]
    )
    return None


async def _insert_new(conn: Any, table: Table, rows: list[dict[str, Any]]) -> list[bool]:
    names = tuple(rows[0])
    found = await conn.fetch(
        _insert_sql(table, names, returning=True), *_arrays(table, names, rows)
    )
    pk = [c.name for c in table.primary_key.columns]
    inserted = {tuple(r) for r in found}
    return [tuple(row[name] for name in pk) in inserted for row in rows]


def _arrays(table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]) -> list[list[Any]]:
    arrays = []
    for name, process in zip(names, _processors(table, names), strict=True):
        if process is None:
            arrays.append([row[name] for row in rows])
        else:
            arrays.append([process(row[name]) for row in rows])
    return arrays


@functools.cache
def _processors(table: Table, names: tuple[str, ...]) -> list[Callable[[Any], Any] | None]:
    return [table.c[name].type._cached_bind_processor(_DIALECT) for name in names]


@functools.cache
def _insert_sql(table: Table, names: tuple[str, ...], returning: bool) -> str:
    """INSERT .. SELECT FROM unnest($1::type[], ...) [ON CONFLICT DO NOTHING RETURNING pk].
    JSON values arrive as their text (the bind processor's) and are cast in the SELECT."""
    preparer = _DIALECT.identifier_preparer
    params, selected = [], []
    for i, name in enumerate(names, start=1):
        column = table.c[name]
        quoted = preparer.quote(name)
        if isinstance(column.type, JSON):
            params.append(f"${i}::TEXT[]")
            selected.append(f"v.{quoted}::{column.type.compile(dialect=_DIALECT)}")
        else:
            params.append(f"${i}::{_array_of(column.type)}[]")
            selected.append(f"v.{quoted}")
    columns = ", ".join(preparer.quote(n) for n in names)
    # Identifiers from the table's metadata, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {preparer.format_table(table)} ({columns}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(params)}) AS v({columns})"
    )
    if returning:
        pk = ", ".join(preparer.quote(c.name) for c in table.primary_key.columns)
        sql += f" ON CONFLICT DO NOTHING RETURNING {pk}"
    return sql


def _array_of(kind: TypeEngine[Any]) -> str:
    """The parameter's element type, never with a length or a precision: an explicit cast to
    VARCHAR(64) would cut a longer value silently, where the INSERT's own assignment to the
    column refuses it (as a plain INSERT does)."""
    if isinstance(kind, String):
        return "TEXT"
    if isinstance(kind, Numeric):
        return "NUMERIC"
    return kind.compile(dialect=_DIALECT)


@functools.cache
def _delete_keys_sql(table: Table) -> str:
    preparer = _DIALECT.identifier_preparer
    t, k = table.c.tenant_id, table.c.key
    kinds = _array_of(t.type), _array_of(k.type)
    return (
        f"DELETE FROM {preparer.format_table(table)} WHERE "  # noqa: S608
        f"({preparer.quote(t.name)}, {preparer.quote(k.name)}) IN "
        f"(SELECT * FROM unnest($1::{kinds[0]}[], $2::{kinds[1]}[]))"
    )
