"""Tables of the flare_detector service: each user's history (one row, locked while a replica
applies an event to it), the removals emitted (once each) and the flares notified (once each).
Every query filters on tenant_id."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
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
platform = platform_tables(metadata, "flare_detector")

histories = Table(
    "flare_detector_histories",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("history", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

removals = Table(
    "flare_detector_removals",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("exercise_id", String(80), primary_key=True),
    Column("rule", String(16), primary_key=True),
    Column("severity", String(16), primary_key=True),
    Column("event_id", Uuid, nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("emitted_at", UTCDateTime, nullable=False),
)

flares = Table(
    "flare_detector_flares",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("log_id", String(128), primary_key=True),
    Column("flare_id", Uuid, nullable=False),
    Column("observed_at", UTCDateTime, nullable=False),
    Column("level", Integer, nullable=False),
    Column("baseline", Float, nullable=False),
    Column("spread_further", Boolean, nullable=False),
    Column("emitted_at", UTCDateTime, nullable=False),
)


async def lock_history(
    session: AsyncSession, tenant_id: str, user_id: str, now: datetime
) -> tuple[dict[str, Any] | None, int]:
    """The user's history and its version, with the row locked until the transaction ends
    (PostgreSQL: SELECT ... FOR UPDATE; SQLite has one writer at a time anyway). Two
    replicas applying events of the same user take turns; neither loses the other's."""
    await session.execute(
        upsert_insert(session, histories)
        .values(tenant_id=tenant_id, user_id=user_id, history={}, version=0, updated_at=now)
        .on_conflict_do_nothing(index_elements=["tenant_id", "user_id"])
    )
    row = (
        await session.execute(
            select(histories.c.history, histories.c.version)
            .where(histories.c.tenant_id == tenant_id, histories.c.user_id == user_id)
            .with_for_update()
        )
    ).one()
    return (row.history or None), row.version


async def save_history(
    session: AsyncSession,
    tenant_id: str,
    user_id: str,
    history: dict[str, Any],
    version: int,
    now: datetime,
) -> None:
    result = await session.execute(
        update(histories)
        .where(
            histories.c.tenant_id == tenant_id,
            histories.c.user_id == user_id,
            histories.c.version == version,
        )
        .values(history=history, version=version + 1, updated_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError("history changed under a lock: refusing to overwrite it")


async def read_history(
    session: AsyncSession, tenant_id: str, user_id: str
) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(histories.c.history).where(
                histories.c.tenant_id == tenant_id, histories.c.user_id == user_id
            )
        )
    ).first()
    return None if row is None else (row.history or {})


async def removal_keys(
    session: AsyncSession, tenant_id: str, user_id: str
) -> set[tuple[str, str, str]]:
    rows = await session.execute(
        select(removals.c.exercise_id, removals.c.rule, removals.c.severity).where(
            removals.c.tenant_id == tenant_id, removals.c.user_id == user_id
        )
    )
    return {(r[0], r[1], r[2]) for r in rows}


async def add_removal(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(removals).values(**values))


async def list_removals(
    session: AsyncSession, tenant_id: str, user_id: str
) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(removals)
        .where(removals.c.tenant_id == tenant_id, removals.c.user_id == user_id)
        .order_by(removals.c.decided_at, removals.c.exercise_id, removals.c.severity.desc())
    )
    return [dict(r._mapping) for r in rows]


async def notified_flares(session: AsyncSession, tenant_id: str, user_id: str) -> set[str]:
    rows = await session.execute(
        select(flares.c.log_id).where(flares.c.tenant_id == tenant_id, flares.c.user_id == user_id)
    )
    return {r[0] for r in rows}


async def add_flare(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(flares).values(**values))


def flare_id(tenant_id: str, user_id: str, log_id: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"spinefit:flare:{tenant_id}:{user_id}:{log_id}")
