"""Tables of the planner service and every query on them, each filtered on tenant_id.

- planner_users: one row per (tenant, user): the plan id, the current version, the answers
  of the latest accepted quiz (event time), and whether the plan is paused by a referral.
- planner_plan_versions: every version, immutable: inputs, plan content, changes and why.
- planner_removals: the removals applied to a user, kept through every later plan.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
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
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.planner.domain.removals import RemovalRule, Severity
from shared.db.dialect import upsert_insert
from shared.db.pages import keyset
from shared.db.platform_tables import platform_tables
from shared.db.rows import fetch_all, fetch_one, records
from shared.db.types import UTCDateTime
from shared.db.unnest import keys_in
from shared.events.plans import PlanTrigger

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
Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A row of planner_users."""

    tenant_id: str
    user_id: str
    plan_id: uuid.UUID
    current_version: int  # 0: no plan yet
    answers: Json | None  # the latest accepted quiz's answers, as stored
    response_id: uuid.UUID | None
    quiz_occurred_at: datetime | None
    paused_level: str | None
    paused_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """A row of planner_plan_versions: plan, changes and reasons as stored JSON (the domain
    and the views parse them)."""

    plan_id: uuid.UUID
    version: int
    tenant_id: str
    user_id: str
    trigger: PlanTrigger
    inputs: Json
    plan: Json
    changes: Json
    reasons: list[Json]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RemovalRecord:
    """A row of planner_removals."""

    tenant_id: str
    user_id: str
    exercise_id: str
    rule: RemovalRule
    severity: Severity
    evidence: Json
    event_id: uuid.UUID
    decided_at: datetime
    recorded_at: datetime


def _values(record: UserRecord | VersionRecord | RemovalRecord) -> Json:
    # Not dataclasses.asdict: it deep-copies every JSON value, on the batch's hot path.
    return {name: getattr(record, name) for name in record.__slots__}


async def get_user(session: AsyncSession, tenant_id: str, user_id: str) -> UserRecord | None:
    return await fetch_one(
        session,
        UserRecord,
        select(users).where(users.c.tenant_id == tenant_id, users.c.user_id == user_id),
    )


# --- what a consumed batch reads and writes: one statement per table, whatever its size ---


async def lock_users(session: AsyncSession, keys: list[UserKey]) -> dict[UserKey, UserRecord]:
    """The users' rows, locked until the transaction ends (PostgreSQL: FOR UPDATE, taken in
    key order so that two replicas never deadlock; SQLite has one writer anyway)."""
    rows = await session.execute(
        select(users)
        .where(keys_in(session, [users.c.tenant_id, users.c.user_id], sorted(keys)))
        .order_by(users.c.tenant_id, users.c.user_id)
        .with_for_update()
    )
    return {(r.tenant_id, r.user_id): r for r in records(UserRecord, rows)}


async def removals_of(
    session: AsyncSession, keys: list[UserKey]
) -> dict[UserKey, list[RemovalRecord]]:
    found: dict[UserKey, list[RemovalRecord]] = {k: [] for k in keys}
    rows = await session.execute(
        select(removals)
        .where(keys_in(session, [removals.c.tenant_id, removals.c.user_id], keys))
        .order_by(removals.c.exercise_id)
    )
    for r in records(RemovalRecord, rows):
        found[(r.tenant_id, r.user_id)].append(r)
    return found


async def versions_of(
    session: AsyncSession, wanted: list[tuple[str, uuid.UUID, int]]
) -> dict[tuple[uuid.UUID, int], VersionRecord]:
    """The versions named by (tenant_id, plan_id, version)."""
    if not wanted:
        return {}
    rows = await session.execute(
        select(versions).where(
            keys_in(session, [versions.c.tenant_id, versions.c.plan_id, versions.c.version], wanted)
        )
    )
    return {(r.plan_id, r.version): r for r in records(VersionRecord, rows)}


async def insert_users(session: AsyncSession, rows: list[UserRecord]) -> None:
    if rows:
        await session.execute(insert(users), [_values(r) for r in rows])


async def update_users(session: AsyncSession, rows: list[UserRecord]) -> None:
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
            {"key_tenant_id": r.tenant_id, "key_user_id": r.user_id}
            | {c: getattr(r, c) for c in _USER_VALUES}
            for r in rows
        ],
    )


_USER_VALUES = [c.name for c in users.columns if c.name not in ("tenant_id", "user_id")]


async def add_versions(session: AsyncSession, rows: list[VersionRecord]) -> None:
    if rows:
        await session.execute(insert(versions), [_values(r) for r in rows])


async def save_removals(session: AsyncSession, rows: list[RemovalRecord]) -> None:
    """Insert each removal, or replace the stored one for the same exercise (an upgrade):
    one executemany, at most one row per key."""
    if not rows:
        return
    stmt = upsert_insert(session, removals)
    changing = {c.name: stmt.excluded[c.name] for c in removals.columns if not c.primary_key}
    upsert = stmt.on_conflict_do_update(index_elements=_REMOVAL_KEY, set_=changing)
    await session.execute(upsert, [_values(r) for r in rows])


_REMOVAL_KEY = ["tenant_id", "user_id", "exercise_id"]


# --- what the routes read ---


async def get_version(
    session: AsyncSession, tenant_id: str, plan_id: uuid.UUID, version: int
) -> VersionRecord | None:
    return await fetch_one(
        session,
        VersionRecord,
        select(versions).where(
            versions.c.tenant_id == tenant_id,
            versions.c.plan_id == plan_id,
            versions.c.version == version,
        ),
    )


async def page_of_versions(
    session: AsyncSession, tenant_id: str, user_id: str, after: int | None, limit: int
) -> list[VersionRecord]:
    """The user's versions, oldest first, after version `after`: `limit + 1` of them. A
    user's versions are numbered from 1 in one plan, so the number is the key."""
    stmt = select(versions).where(versions.c.tenant_id == tenant_id, versions.c.user_id == user_id)
    after_key = None if after is None else (after,)
    page = keyset(stmt, [versions.c.version], after_key, limit=limit, descending=False)
    return await fetch_all(session, VersionRecord, page)


async def list_removals(session: AsyncSession, tenant_id: str, user_id: str) -> list[RemovalRecord]:
    """A user's removals: one per exercise the flare detector named, so bounded by the
    library's size."""
    return await fetch_all(
        session,
        RemovalRecord,
        select(removals)
        .where(removals.c.tenant_id == tenant_id, removals.c.user_id == user_id)
        .order_by(removals.c.exercise_id),
    )
