"""Tables of the painlog service and every query on them, each filtered on tenant_id.

Sessions and pain logs are keyed by the client's own id within (tenant, user): sending the
same id again is the same report. Flares and removals are read models of the flare
detector's events, kept so the timeline and its chart can show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, TypeVar

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
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.painlog.domain.timeline import KIND_RANK, OrderKey, Window
from services.painlog.records import StoredFlare, StoredPainLog, StoredRemoval, StoredSession
from shared.db.dialect import upsert_insert
from shared.db.pages import keyset
from shared.db.platform_tables import platform_tables
from shared.db.rows import fetch_all, fetch_one
from shared.db.types import UTCDateTime
from shared.events.painlog import PainReport, SessionReport

R = TypeVar("R", StoredSession, StoredPainLog, StoredRemoval)

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


def session_values(
    tenant_id: str, user_id: str, report: SessionReport, received_at: datetime, print_: str
) -> dict[str, Any]:
    """The insert values of a new session (what `insert_if_new` and the fast lane's `Fresh`
    take), its receipt (`received_at`, the report's fingerprint) included."""
    return {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "session_id": report.session_id,
        "started_at": report.started_at,
        "completed_at": report.completed_at,
        "exercises": [e.model_dump(mode="json") for e in report.exercises],
        "received_at": received_at,
        "fingerprint": print_,
    }


def pain_log_values(
    tenant_id: str, user_id: str, report: PainReport, received_at: datetime, print_: str
) -> dict[str, Any]:
    """The insert values of a new pain log (as `session_values`)."""
    return {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "log_id": report.log_id,
        "observed_at": report.observed_at,
        "level": report.level,
        "context": report.context,
        "exercise_id": report.exercise_id,
        "session_id": report.session_id,
        "qualities": list(report.qualities),
        "locations": list(report.locations),
        "morning": report.morning.model_dump(mode="json") if report.morning else None,
        "received_at": received_at,
        "fingerprint": print_,
    }


async def get_session(
    session: AsyncSession, tenant_id: str, user_id: str, session_id: str
) -> StoredSession | None:
    """One user's session by its client id."""
    c = sessions.c
    stmt = select(sessions).where(
        c.tenant_id == tenant_id, c.user_id == user_id, c.session_id == session_id
    )
    return await fetch_one(session, StoredSession, stmt)


async def get_pain_log(
    session: AsyncSession, tenant_id: str, user_id: str, log_id: str
) -> StoredPainLog | None:
    """One user's pain log by its client id."""
    c = pain_logs.c
    stmt = select(pain_logs).where(
        c.tenant_id == tenant_id, c.user_id == user_id, c.log_id == log_id
    )
    return await fetch_one(session, StoredPainLog, stmt)


async def add_flares(session: AsyncSession, found: Sequence[StoredFlare]) -> None:
    """One executemany; a flare seen again (same flare_id, another event) changes nothing."""
    if found:
        await session.execute(
            upsert_insert(session, flares).on_conflict_do_nothing(), [asdict(f) for f in found]
        )


async def add_removals(session: AsyncSession, found: Sequence[StoredRemoval]) -> None:
    if found:
        await session.execute(
            upsert_insert(session, removals).on_conflict_do_nothing(), [asdict(r) for r in found]
        )


async def user_known(session: AsyncSession, tenant_id: str, user_id: str) -> bool:
    """Whether this tenant holds anything about this user (otherwise: 404)."""
    checks = [exists().where(t.c.tenant_id == tenant_id, t.c.user_id == user_id) for t in OWNED]
    return bool(await session.scalar(select(or_(*checks))))


async def _entries_after(
    session: AsyncSession,
    kind: tuple[type[R], Table, str, str, int],
    tenant_id: str,
    user_id: str,
    window: Window,
    after: OrderKey | None,
    limit: int,
) -> list[R]:
    """The first `limit + 1` entries of one kind within the window, strictly after `after`
    in timeline order (`domain.timeline.order_key`), earliest first."""
    cls, table, time_column, id_column, rank = kind
    at, id_ = table.c[time_column], table.c[id_column]
    stmt = select(table).where(
        table.c.tenant_id == tenant_id,
        table.c.user_id == user_id,
        at >= window.start,
        at <= window.end,
    )
    key: tuple[Any, ...] | None = None
    if after is not None:
        last_at, last_rank, last_id = after
        if rank == last_rank:
            key = (last_at, last_id)
        else:
            # At the last entry's instant, a kind ranked after it comes next; one before, not.
            stmt = stmt.where(at >= last_at if rank > last_rank else at > last_at)
    page = keyset(stmt, [at, id_], key, limit=limit, descending=False)
    return await fetch_all(session, cls, page)


_SESSIONS = (StoredSession, sessions, "completed_at", "session_id", KIND_RANK["session"])
_PAIN_LOGS = (StoredPainLog, pain_logs, "observed_at", "log_id", KIND_RANK["pain"])
_REMOVALS = (StoredRemoval, removals, "decided_at", "exercise_id", KIND_RANK["removal"])


async def timeline_after(
    session: AsyncSession,
    tenant_id: str,
    user_id: str,
    window: Window,
    after: OrderKey | None,
    limit: int,
) -> list[StoredSession | StoredPainLog | StoredRemoval]:
    """Up to `limit + 1` entries of each kind (sessions, pain logs, removals) within the
    window and after `after`: the first `limit + 1` of the timeline are among them."""
    span = (tenant_id, user_id, window, after, limit)
    return [
        *await _entries_after(session, _SESSIONS, *span),
        *await _entries_after(session, _PAIN_LOGS, *span),
        *await _entries_after(session, _REMOVALS, *span),
    ]


async def flares_of(
    session: AsyncSession, tenant_id: str, user_id: str, log_ids: Sequence[str]
) -> list[StoredFlare]:
    """The flares found among these pain logs of one user."""
    if not log_ids:
        return []
    c = flares.c
    stmt = select(flares).where(
        c.tenant_id == tenant_id, c.user_id == user_id, c.log_id.in_(list(log_ids))
    )
    return await fetch_all(session, StoredFlare, stmt)
