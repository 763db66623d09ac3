"""Tables of the flare_detector service: each user's history (a summary row, locked while a
replica applies an event to it, and a row per older day: domain/tiers.py), the removals
emitted (once each) and the flares notified (once each). Every query filters on tenant_id."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
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
    delete,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime
from shared.db.unnest import keys_in

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

# The days of a history kept out of its row (domain/tiers.py): one row per day and kind,
# written once when the watermark leaves the day behind, deleted when the retention drops it.
history_parts = Table(
    "flare_detector_history_parts",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD (UTC): sorts as the days do
    Column("kind", String(1), primary_key=True),
    Column("part", JSON, nullable=False),  # its records, classes and units
    Column("units", JSON, nullable=False),  # its units alone (tiers.part_units)
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


UserKey = tuple[str, str]  # (tenant_id, user_id)


def _users(session: AsyncSession, table: Table, keys: Sequence[UserKey]) -> Any:
    """Rows of these users only: every query names the tenant with the user."""
    return keys_in(session, [table.c.tenant_id, table.c.user_id], keys)


@functools.cache
def _locking(dialect: str) -> Any:
    """The statement of `lock_histories`, built once per dialect: run as an executemany, it
    compiles once and stays in SQLAlchemy's cache (insertmanyvalues sends the rows as one
    multi-row INSERT, in the order given); a `.values([...])` list is a new statement per
    batch, each compiled anew (a third of the detector's CPU)."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(histories)
    return stmt.on_conflict_do_update(
        index_elements=["tenant_id", "user_id"], set_={"version": histories.c.version}
    ).returning(
        histories.c.tenant_id,
        histories.c.user_id,
        histories.c.history,
        histories.c.version,
    )


@functools.cache
def _writing(dialect: str) -> Any:
    """The statement of `save_histories`, built once per dialect (as `_locking`)."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(histories)
    excluded = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=["tenant_id", "user_id"],
        set_={
            "history": excluded.history,
            "version": excluded.version,
            "updated_at": excluded.updated_at,
        },
        where=histories.c.version == excluded.version - 1,
    ).returning(histories.c.user_id)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def lock_histories(
    session: AsyncSession, keys: Sequence[UserKey], now: datetime
) -> dict[UserKey, tuple[dict[str, Any] | None, int]]:
    """The histories of a batch's users and their versions, every row locked until the
    transaction ends, in one statement: an INSERT .. ON CONFLICT DO UPDATE (a no-op update
    that takes the row lock on PostgreSQL; SQLite has one writer at a time anyway) RETURNING
    the row. Keys are taken in sorted order, so two replicas locking overlapping batches
    queue behind each other instead of deadlocking; neither loses the other's update."""
    ordered = sorted(set(keys))
    if not ordered:
        return {}
    rows = await session.execute(
        _locking(_dialect(session)),
        [
            {"tenant_id": t, "user_id": u, "history": {}, "version": 0, "updated_at": now}
            for t, u in ordered
        ],
    )
    return {(r.tenant_id, r.user_id): (r.history or None, r.version) for r in rows}


async def save_histories(
    session: AsyncSession,
    saved: dict[UserKey, tuple[dict[str, Any], int]],
    now: datetime,
) -> None:
    """Write back the changed histories (key -> (history, version read)), one statement."""
    if not saved:
        return
    rows = await session.execute(
        _writing(_dialect(session)),
        [
            {"tenant_id": t, "user_id": u, "history": h, "version": v + 1, "updated_at": now}
            for (t, u), (h, v) in sorted(saved.items())
        ],
    )
    if len(rows.all()) != len(saved):
        raise RuntimeError("history changed under a lock: refusing to overwrite it")


PartRef = tuple[str, str, str, str]  # (tenant_id, user_id, day, kind)


async def read_part_units(
    session: AsyncSession, wanted: Sequence[PartRef]
) -> dict[UserKey, dict[tuple[str, str], Any]]:
    """The units of these parts, one query (only the holder of the history row's lock
    writes a user's parts)."""
    found: dict[UserKey, dict[tuple[str, str], Any]] = {}
    if not wanted:
        return found
    c = history_parts.c
    rows = await session.execute(
        select(c.tenant_id, c.user_id, c.day, c.kind, c.units).where(
            keys_in(session, [c.tenant_id, c.user_id, c.day, c.kind], wanted)
        )
    )
    for r in rows:
        found.setdefault((r.tenant_id, r.user_id), {})[(r.day, r.kind)] = r.units
    return found


async def read_parts(
    session: AsyncSession, users: Sequence[UserKey]
) -> dict[UserKey, dict[tuple[str, str], Any]]:
    """Every part of these users (records, classes and units), one query."""
    found: dict[UserKey, dict[tuple[str, str], Any]] = {k: {} for k in users}
    if not users:
        return found
    c = history_parts.c
    rows = await session.execute(
        select(c.tenant_id, c.user_id, c.day, c.kind, c.part).where(
            _users(session, history_parts, users)
        )
    )
    for r in rows:
        found[(r.tenant_id, r.user_id)][(r.day, r.kind)] = r.part
    return found


async def write_parts(
    session: AsyncSession,
    dropped: Sequence[PartRef],
    written: Sequence[tuple[PartRef, Any, Any]],
) -> None:
    """Delete these parts, then insert those ((ref, part, units); one statement each)."""
    c = history_parts.c
    if dropped:
        await session.execute(
            delete(history_parts).where(
                keys_in(session, [c.tenant_id, c.user_id, c.day, c.kind], dropped)
            )
        )
    if written:
        await session.execute(
            insert(history_parts),
            [
                {"tenant_id": t, "user_id": u, "day": d, "kind": k, "part": part, "units": units}
                for (t, u, d, k), part, units in written
            ],
        )


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
    session: AsyncSession, keys: Sequence[UserKey]
) -> dict[UserKey, set[tuple[str, str, str]]]:
    """The removals already emitted to these users (a handful each), one query."""
    found: dict[UserKey, set[tuple[str, str, str]]] = {k: set() for k in keys}
    if not keys:
        return found
    rows = await session.execute(
        select(
            removals.c.tenant_id,
            removals.c.user_id,
            removals.c.exercise_id,
            removals.c.rule,
            removals.c.severity,
        ).where(_users(session, removals, keys))
    )
    for r in rows:
        found.setdefault((r[0], r[1]), set()).add((r[2], r[3], r[4]))
    return found


async def add_removals(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(removals), rows)


async def list_removals(
    session: AsyncSession, tenant_id: str, user_id: str
) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(removals)
        .where(removals.c.tenant_id == tenant_id, removals.c.user_id == user_id)
        .order_by(removals.c.decided_at, removals.c.exercise_id, removals.c.severity.desc())
    )
    return [dict(r._mapping) for r in rows]


async def notified_flares(
    session: AsyncSession, candidates: Sequence[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """Which of these (tenant_id, user_id, log_id) flares were notified before, one query
    (only the candidates: the table keeps every flare a user ever had)."""
    if not candidates:
        return set()
    rows = await session.execute(
        select(flares.c.tenant_id, flares.c.user_id, flares.c.log_id).where(
            keys_in(session, [flares.c.tenant_id, flares.c.user_id, flares.c.log_id], candidates)
        )
    )
    return {(r[0], r[1], r[2]) for r in rows}


async def add_flares(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(flares), rows)


def flare_id(tenant_id: str, user_id: str, log_id: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"spinefit:flare:{tenant_id}:{user_id}:{log_id}")
