"""Statements that save a round trip where a SELECT-then-INSERT would take two."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, literal_column
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.dialect import upsert_insert


async def insert_if_new(session: AsyncSession, table: Table, values: dict[str, Any]) -> bool:
    """INSERT the row unless its key is taken (ON CONFLICT DO NOTHING RETURNING): True if
    this call stored it. On PostgreSQL a concurrent insert of the same key is waited for, so
    False means the other row is committed and a following SELECT sees it."""
    insert = upsert_insert(session, table).values(**values)
    stmt: Any = insert.on_conflict_do_nothing().returning(literal_column("1"))
    return (await session.execute(stmt)).first() is not None
