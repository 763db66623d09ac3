"""Statements that save a round trip where a SELECT-then-INSERT would take two.

Each is built once per table and dialect and run with its values as parameters: a
statement built per request (`insert(t).values(**row)`) is coerced, bound and given a cache
key on every call, which costs more CPU than the round trip it saves.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


@functools.cache
def insert_new_statement(table: Table, dialect: str) -> Any:
    """INSERT .. ON CONFLICT DO NOTHING RETURNING the primary key, for `dialect`."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)


async def insert_if_new(session: AsyncSession, table: Table, values: dict[str, Any]) -> bool:
    """INSERT the row unless its key is taken (ON CONFLICT DO NOTHING RETURNING): True if
    this call stored it. On PostgreSQL a concurrent insert of the same key is waited for, so
    False means the other row is committed and a following SELECT sees it."""
    stmt = insert_new_statement(table, session.get_bind().dialect.name)
    return (await session.execute(stmt, values)).first() is not None


def insert_new(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> list[bool]:
    """`insert_if_new` for many rows in one executemany (sent as multi-row statements):
    per row, True if this stored it. Rows share their columns."""
    if not rows:
        return []
    pk = [c.name for c in table.primary_key.columns]
    stmt = insert_new_statement(table, conn.dialect.name)
    inserted = {tuple(r) for r in conn.execute(stmt, rows)}
    return [tuple(row[name] for name in pk) in inserted for row in rows]
