"""`shared.db.unnest.keys_in`, a batch's keys in a WHERE clause (on PostgreSQL as arrays), on
both databases: it finds exactly the rows an IN list of those keys finds, whatever their
number, and a key longer than its column matches no row (a cast to VARCHAR(n) would cut it
and match the row its first n characters name: another tenant's)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.db.engine import create_engine
from shared.db.unnest import keys_in

metadata = MetaData()
things = Table(
    "keys_in_things",
    metadata,
    Column("tenant_id", String(16), primary_key=True),
    Column("thing_id", Uuid, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("name", String(32), nullable=False),
)

IDS = [uuid.uuid5(uuid.NAMESPACE_URL, f"thing-{i}") for i in range(40)]


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    async with AsyncSession(engine) as session, session.begin():
        await session.execute(
            insert(things),
            [
                {"tenant_id": t, "thing_id": i, "version": v, "name": f"{t}-{n}-{v}"}
                for t in ("tenant-a", "tenant-b" * 2)  # the second is 16 characters long
                for n, i in enumerate(IDS)
                for v in (1, 2)
            ],
        )
    try:
        yield engine
    finally:
        await engine.dispose()


async def names(db: AsyncEngine, keys: list[tuple[Any, ...]]) -> list[str]:
    c = things.c
    async with AsyncSession(db) as session:
        rows = await session.execute(
            select(c.name).where(keys_in(session, [c.tenant_id, c.thing_id, c.version], keys))
        )
        return sorted(r.name for r in rows)


async def test_keys_in_finds_exactly_the_rows_named(db: AsyncEngine) -> None:
    keys = [("tenant-a", IDS[i], 1 + i % 2) for i in range(0, 40, 3)]
    keys += [
        ("tenant-btenant-b", IDS[5], 2),
        ("tenant-a", uuid.uuid4(), 1),
        ("tenant-c", IDS[0], 1),
    ]
    assert await names(db, keys) == sorted(
        [f"tenant-a-{i}-{1 + i % 2}" for i in range(0, 40, 3)] + ["tenant-btenant-b-5-2"]
    )
    assert await names(db, []) == []
    assert await names(db, keys[:1] * 3) == ["tenant-a-0-1"]  # a key named twice: one row


async def test_keys_longer_than_their_column_match_nothing(db: AsyncEngine) -> None:
    # Cut to 16 characters this would be the second tenant's key.
    assert await names(db, [("tenant-btenant-b-and-more", IDS[1], 1)]) == []


async def test_keys_in_deletes_exactly_the_rows_named(db: AsyncEngine) -> None:
    c = things.c
    gone = [("tenant-a", IDS[i], 2) for i in range(40)]
    async with AsyncSession(db) as session, session.begin():
        await session.execute(
            delete(things).where(keys_in(session, [c.tenant_id, c.thing_id, c.version], gone))
        )
    async with AsyncSession(db) as session:
        left = (await session.execute(select(c.tenant_id, c.version))).all()
    assert sorted(left) == sorted(
        [("tenant-a", 1)] * 40 + [("tenant-btenant-b", 1)] * 40 + [("tenant-btenant-b", 2)] * 40
    )
