"""Tables of the planner service and every query on them, each filtered on tenant_id.

- planner_users: one row per (tenant, user): the plan id, the current version, the answers
  of the latest accepted quiz (event time), and whether the plan is paused by a referral.
- planner_plan_versions: every version, immutable: inputs, plan content, changes and why.
- planner_removals: the removals applied to a user, kept through every later plan.
"""

from __future__ import annotations

import uuid
from datetime import datetime
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
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.dialect import upsert_insert
from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime

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


class VersionConflict(Exception):
    """Another writer moved the user's plan on meanwhile: the event is retried."""


async def get_user(session: AsyncSession, tenant_id: str, user_id: str) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(users).where(users.c.tenant_id == tenant_id, users.c.user_id == user_id)
        )
    ).first()
    return dict(row._mapping) if row else None


async def create_user(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(users).values(**values))


async def update_user(
    session: AsyncSession, tenant_id: str, user_id: str, expected_version: int, **values: Any
) -> None:
    """Update the user's row if its version is still `expected_version` (optimistic lock)."""
    result = await session.execute(
        update(users)
        .where(
            users.c.tenant_id == tenant_id,
            users.c.user_id == user_id,
            users.c.current_version == expected_version,
        )
        .values(**values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise VersionConflict(f"plan moved past version {expected_version}")


async def add_version(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(versions).values(**values))


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


async def save_removal(session: AsyncSession, *, recorded_at: datetime, **values: Any) -> None:
    """Insert the removal, or replace the stored one for the same exercise (an upgrade)."""
    stmt = upsert_insert(session, removals).values(recorded_at=recorded_at, **values)
    changing = {k: stmt.excluded[k] for k in (*values, "recorded_at") if k not in _REMOVAL_KEY}
    await session.execute(stmt.on_conflict_do_update(index_elements=_REMOVAL_KEY, set_=changing))


_REMOVAL_KEY = ["tenant_id", "user_id", "exercise_id"]
