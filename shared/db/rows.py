"""Typed records out of the stores: the one place where a result row becomes a frozen,
typed record (`cls(**row._mapping)`), so nothing past a store sees a row or a dict of one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Executable, Row
from sqlalchemy.ext.asyncio import AsyncSession

R = TypeVar("R")


def record(cls: type[R], row: Row[Any]) -> R:
    return cls(**row._mapping)


def records(cls: type[R], rows: Iterable[Row[Any]]) -> list[R]:
    return [record(cls, row) for row in rows]


async def fetch_one(session: AsyncSession, cls: type[R], stmt: Executable) -> R | None:
    row = (await session.execute(stmt)).first()
    return None if row is None else record(cls, row)


async def fetch_all(session: AsyncSession, cls: type[R], stmt: Executable) -> list[R]:
    return records(cls, await session.execute(stmt))
