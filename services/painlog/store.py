"""Tables of the painlog service and every query on them, each filtered on tenant_id.

Sessions and pain logs are keyed by the client's own id within (tenant, user): sending the
same id again is the same report. Flares and removals are read models of the flare
detector's events, kept so the timeline and its chart can show them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    exists,
    insert,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.dialect import upsert_insert
from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime

metadata = MetaData()
platform = platform_tables(metadata, "painlog")


def _owner() -> list[Column[Any]]:
    return [
        Column("tenant_id", String(64), primary_key=True),
        Column("user_id", String(128), primary_key=True),
    ]


sessions = Table(
    "painlog_sessions",
    metadata,
    *_owner(),
    Column("session_id", String(128), primary_key=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=False),
    Column("exercises", JSON, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
)
Index("ix_painlog_sessions_time", sessions.c.tenant_id, sessions.c.user_id, sessions.c.completed_at)

pain_logs = Table(
    "painlog_pain_logs",
    metadata,
    *_owner(),
    Column("log_id", String(128), primary_key=True),
    Column("observed_at", UTCDateTime, nullable=False),
    Column("level", Integer, nullable=False),
    Column("context", String(16), nullable=False),
    Column("exercise_id", String(80), nullable=True),
    Column("session_id", String(128), nullable=True),
    Column("qualities", JSON, nullable=False),
    Column("locations", JSON, nullable=False),
    Column("morning", JSON, nullable=True),
    Column("fingerprint", String(64), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
)
Index(
    "ix_painlog_pain_logs_time", pain_logs.c.tenant_id, pain_logs.c.user_id, pain_logs.c.observed_at
)

flares = Table(
    "painlog_flares",
    metadata,
    *_owner(),
    Column("flare_id", Uuid, primary_key=True),
    Column("log_id", String(128), nullable=False),
    Column("observed_at", UTCDateTime, nullable=False),
    Column("level", Integer, nullable=False),
    Column("baseline", Float, nullable=False),
    Column("spread_further", Boolean, nullable=False),
)
Index("ix_painlog_flares_time", flares.c.tenant_id, flares.c.user_id, flares.c.observed_at)

removals = Table(
    "painlog_removals",
    metadata,
    *_owner(),
    Column("exercise_id", String(80), primary_key=True),
    Column("decided_at", UTCDateTime, primary_key=True),
    Column("rule", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
)

OWNED = (sessions, pain_logs, flares, removals)


async def get_session(
    session: AsyncSession, tenant_id: str, user_id: str, session_id: str
) -> dict[str, Any] | None:
    return await _report(session, sessions, "session_id", tenant_id, user_id, session_id)


async def add_session(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(sessions).values(**values))


async def get_pain_log(
    session: AsyncSession, tenant_id: str, user_id: str, log_id: str
) -> dict[str, Any] | None:
    return await _report(session, pain_logs, "log_id", tenant_id, user_id, log_id)


async def _report(
    session: AsyncSession, table: Table, id_column: str, tenant_id: str, user_id: str, id_: str
) -> dict[str, Any] | None:
    """One user's report by its client id."""
    row = (
        await session.execute(
            select(table).where(
                table.c.tenant_id == tenant_id,
                table.c.user_id == user_id,
                table.c[id_column] == id_,
            )
        )
    ).first()
    return dict(row._mapping) if row else None


async def add_pain_log(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(pain_logs).values(**values))


async def add_flares(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """One executemany; a flare seen again (same flare_id, another event) changes nothing."""
    await session.execute(upsert_insert(session, flares).on_conflict_do_nothing(), rows)


async def add_removals(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(upsert_insert(session, removals).on_conflict_do_nothing(), rows)


async def user_known(session: AsyncSession, tenant_id: str, user_id: str) -> bool:
    """Whether this tenant holds anything about this user (otherwise: 404)."""
    checks = [exists().where(t.c.tenant_id == tenant_id, t.c.user_id == user_id) for t in OWNED]
    return bool(await session.scalar(select(or_(*checks))))


async def between(
    session: AsyncSession,
    table: Table,
    time_column: str,
    tenant_id: str,
    user_id: str,
    start: datetime,
    end: datetime,
    limit: int,
) -> list[dict[str, Any]]:
    """Rows of `table` for one user whose `time_column` is within [start, end], earliest
    first, at most `limit`."""
    at = table.c[time_column]
    rows = await session.execute(
        select(table)
        .where(
            table.c.tenant_id == tenant_id,
            table.c.user_id == user_id,
            at >= start,
            at <= end,
        )
        .order_by(at)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]
