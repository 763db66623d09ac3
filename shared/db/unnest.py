"""Rows as arrays on PostgreSQL: one `INSERT .. SELECT FROM unnest(...)` statement for any
number of rows, written once per table and column set (so asyncpg prepares it once), its
values put through the columns' own SQLAlchemy bind processors first, so what is stored is
what SQLAlchemy would have stored. Used by the bus (idempotency claims, outbox rows) and by
the ingest groups (`shared.db.pg_bulk`); and `keys_in`, a batch's keys as arrays in a
WHERE clause."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Numeric, String, Table, Text, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

DIALECT: Dialect = asyncpg_dialect()  # type: ignore[no-untyped-call]


async def insert_new_in(
    conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]
) -> set[tuple[Any, ...]]:
    """INSERT .. ON CONFLICT DO NOTHING of `rows` on the caller's SQLAlchemy connection, in
    its transaction, as one unnest() statement; returns the primary keys inserted. Through
    `exec_driver_sql`: no statement to compile and no parameters to expand per row, and the
    SQL is the same for any number of rows, so asyncpg prepares it once."""
    names = tuple(rows[0])
    result = await conn.exec_driver_sql(
        insert_sql(table, names, returning=True), tuple(arrays(table, names, rows))
    )
    return {tuple(r) for r in result}


async def insert_all_in(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT of `rows` (as `insert_new_in`, every row, no conflict expected)."""
    names = tuple(rows[0])
    await conn.exec_driver_sql(
        insert_sql(table, names, returning=False), tuple(arrays(table, names, rows))
    )


def arrays(table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]) -> list[list[Any]]:
    """One array per column, each value as the column's bind processor makes it."""
    found = []
    for name, process in zip(names, _processors(table, names), strict=True):
        if process is None:
            found.append([row[name] for row in rows])
        else:
            found.append([process(row[name]) for row in rows])
    return found


@functools.cache
def _processors(table: Table, names: tuple[str, ...]) -> list[Callable[[Any], Any] | None]:
    return [table.c[name].type._cached_bind_processor(DIALECT) for name in names]


@functools.cache
def insert_sql(table: Table, names: tuple[str, ...], returning: bool) -> str:
    """INSERT .. SELECT FROM unnest($1::type[], ...) [ON CONFLICT DO NOTHING RETURNING pk].
    JSON values arrive as their text (the bind processor's) and are cast in the SELECT."""
    preparer = DIALECT.identifier_preparer
    params, selected = [], []
    for i, name in enumerate(names, start=1):
        column = table.c[name]
        quoted = preparer.quote(name)
        if isinstance(column.type, JSON):
            params.append(f"${i}::TEXT[]")
            selected.append(f"v.{quoted}::{column.type.compile(dialect=DIALECT)}")
        else:
            params.append(f"${i}::{array_of(column.type)}[]")
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


def array_of(kind: TypeEngine[Any]) -> str:
    """The parameter's element type, never with a length or a precision: an explicit cast to
    VARCHAR(64) would cut a longer value silently, where the INSERT's own assignment to the
    column refuses it (as a plain INSERT does)."""
    if isinstance(kind, String):
        return "TEXT"
    if isinstance(kind, Numeric):
        return "NUMERIC"
    return kind.compile(dialect=DIALECT)


def keys_in(
    session: AsyncSession, columns: Sequence[ColumnElement[Any]], keys: Sequence[tuple[Any, ...]]
) -> ColumnElement[bool]:
    """`(columns) IN keys` for a batch's keys (a few to thousands). On PostgreSQL the keys go
    as one array per column, `(a, b) IN (SELECT * FROM unnest($1::TEXT[], $2::TEXT[]))`:
    one parameter each whatever their number, planned as an index lookup per key. A row IN
    list (`IN ((..), (..), ...)`) is planned as one OR branch per key: 1,000 keys of four
    columns took 270 ms to plan against 5 ms to run, for every batch of the flare detector.
    Strings are matched as TEXT (a VARCHAR(n) cast would cut a longer key and match another
    row). SQLite takes the IN list (no arrays) and plans it well."""
    if session.get_bind().dialect.name != "postgresql":
        return tuple_(*columns).in_(list(keys))
    arrays = [list(values) for values in zip(*keys, strict=True)] or [[] for _ in columns]
    unnested = func.unnest(
        *(
            bindparam(None, values, type_=ARRAY(Text if isinstance(c.type, String) else c.type))
            for c, values in zip(columns, arrays, strict=True)
        )
    )
    derived = unnested.table_valued(*(f"k{i}" for i in range(len(columns)))).render_derived()
    return tuple_(*columns).in_(select(*derived.c))
