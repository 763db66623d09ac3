"""Tables of the planner service and every query on them, each filtered on tenant_id.

- planner_users: one row per (tenant, user): the plan id, the current version, the answers
  of the latest accepted quiz (event time), and whether the plan is paused by a referral.
- planner_plan_versions: every version, immutable: inputs, plan content, changes and why.
- planner_removals: the removals applied to a user, kept through every later plan.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.dialect import upsert_insert
from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime
from shared.db.unnest import keys_in

metadata = MetaData()
platform = platform_tables(metadata, "planner")

users = Table(
    "planner_users",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("plan_id", Uuid, nullable=False, unique=True),
    Column("current_version", Integer, nullable=False),  # 0: no plan yet
    Column("answers", JSON, nullable=True),
    Column("response_id", Uuid, nullable=True),
    Column("quiz_occurred_at", UTCDateTime, nullable=True),
    Column("paused_level", String(16), nullable=True),
    Column("paused_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

versions = Table(
    "planner_plan_versions",
    metadata,
    Column("plan_id", Uuid, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("trigger", String(16), nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("plan", JSON, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_planner_plan_versions_owner", versions.c.tenant_id, versions.c.user_id)

removals = Table(
    "planner_removals",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("exercise_id", String(80), primary_key=True),
    Column("rule", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)


UserKey = tuple[str, str]  # (tenant_id, user_id)


async def get_user(session: AsyncSession, tenant_id: str, user_id: str) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(users).where(users.c.tenant_id == tenant_id, users.c.user_id == user_id)
        )
    ).first()
    return dict(row._mapping) if row else None


# --- what a consumed batch reads and writes: one statement per table, whatever its size ---


async def lock_users(session: AsyncSession, keys: list[UserKey]) -> dict[UserKey, dict[str, Any]]:
    """The users' rows, locked until the transaction ends (PostgreSQL: FOR UPDATE, taken in
    key order so that two replicas never deadlock; SQLite has one writer anyway)."""
    rows = await session.execute(
        select(users)
        .where(keys_in(session, [users.c.tenant_id, users.c.user_id], sorted(keys)))
        .order_by(users.c.tenant_id, users.c.user_id)
        .with_for_update()
    )
    return {(r.tenant_id, r.user_id): dict(r._mapping) for r in rows}


async def removals_of(
    session: AsyncSession, keys: list[UserKey]
) -> dict[UserKey, list[dict[str, Any]]]:
    found: dict[UserKey, list[dict[str, Any]]] = {k: [] for k in keys}
    rows = await session.execute(
        select(removals)
        .where(keys_in(session, [removals.c.tenant_id, removals.c.user_id], keys))
        .order_by(removals.c.exercise_id)
    )
    for r in rows:
        found[(r.tenant_id, r.user_id)].append(dict(r._mapping))
    return found


async def versions_of(
    session: AsyncSession, wanted: list[tuple[str, uuid.UUID, int]]
) -> dict[tuple[uuid.UUID, int], dict[str, Any]]:
    """The versions named by (tenant_id, plan_id, version)."""
    if not wanted:
        return {}
    rows = await session.execute(
        select(versions).where(
            keys_in(session, [versions.c.tenant_id, versions.c.plan_id, versions.c.version], wanted)
        )
    )
    return {(r.plan_id, r.version): dict(r._mapping) for r in rows}


async def insert_users(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(users), rows)


async def update_users(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Whole rows, one executemany. The rows were locked when read; a writer that got in
    anyway (a row created meanwhile) makes the version insert collide and the batch retry."""
    if not rows:
        return
    await session.execute(
        update(users)
        .where(
            users.c.tenant_id == bindparam("key_tenant_id"),
            users.c.user_id == bindparam("key_user_id"),
        )
        .values({c: bindparam(c) for c in _USER_VALUES}),
        [
            {"key_tenant_id": r["tenant_id"], "key_user_id": r["user_id"]}
            | {c: r[c] for c in _USER_VALUES}
            for r in rows
        ],
    )


_USER_VALUES = [c.name for c in users.columns if c.name not in ("tenant_id", "user_id")]


async def add_versions(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(versions), rows)


async def save_removals(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert each removal, or replace the stored one for the same exercise (an upgrade):
    one executemany, at most one row per key."""
    if not rows:
        return
    stmt = upsert_insert(session, removals)
    changing = {k: stmt.excluded[k] for k in rows[0] if k not in _REMOVAL_KEY}
    upsert = stmt.on_conflict_do_update(index_elements=_REMOVAL_KEY, set_=changing)
    await session.execute(upsert, rows)


async def get_version(
    session: AsyncSession, tenant_id: str, plan_id: uuid.UUID, version: int
) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(versions).where(
                versions.c.tenant_id == tenant_id,
                versions.c.plan_id == plan_id,
                versions.c.version == version,
            )
        )
    ).first()
    return dict(row._mapping) if row else None


async def list_versions(
    session: AsyncSession, tenant_id: str, user_id: str
) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(versions)
        .where(versions.c.tenant_id == tenant_id, versions.c.user_id == user_id)
        .order_by(versions.c.version)
    )
    return [dict(r._mapping) for r in rows]


async def list_removals(
    session: AsyncSession, tenant_id: str, user_id: str
) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(removals)
        .where(removals.c.tenant_id == tenant_id, removals.c.user_id == user_id)
        .order_by(removals.c.exercise_id)
    )
    return [dict(r._mapping) for r in rows]


_REMOVAL_KEY = ["tenant_id", "user_id", "exercise_id"]
