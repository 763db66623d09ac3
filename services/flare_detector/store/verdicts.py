"""What the detector decided and emitted, once each: the removals (with their evidence) and
the flares notified, as frozen typed records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.flare_detector.domain.evidence import DecisionEvidence
from services.flare_detector.store.tables import UserKey, flares, removals, users_in
from shared.db.rows import fetch_all
from shared.db.unnest import keys_in

RemovalKey = tuple[str, str, str]  # (exercise_id, rule, severity)


@dataclass(frozen=True, slots=True)
class StoredRemoval:
    tenant_id: str
    user_id: str
    exercise_id: str
    rule: str
    severity: str
    event_id: uuid.UUID
    decided_at: datetime
    evidence: DecisionEvidence
    emitted_at: datetime

    @property
    def key(self) -> RemovalKey:
        return (self.exercise_id, self.rule, self.severity)


@dataclass(frozen=True, slots=True)
class StoredFlare:
    tenant_id: str
    user_id: str
    log_id: str
    flare_id: uuid.UUID
    observed_at: datetime
    level: int
    baseline: float  # the detector's own (the event's is capped at 10)
    spread_further: bool
    emitted_at: datetime


async def removal_keys(
    session: AsyncSession, keys: Sequence[UserKey]
) -> dict[UserKey, set[RemovalKey]]:
    """The removals already emitted to these users (a handful each), one query."""
    found: dict[UserKey, set[RemovalKey]] = {k: set() for k in keys}
    if not keys:
        return found
    c = removals.c
    rows = await session.execute(
        select(c.tenant_id, c.user_id, c.exercise_id, c.rule, c.severity).where(
            users_in(session, removals, keys)
        )
    )
    for r in rows:
        found.setdefault((r[0], r[1]), set()).add((r[2], r[3], r[4]))
    return found


async def add_removals(session: AsyncSession, found: Sequence[StoredRemoval]) -> None:
    if found:
        # Not `asdict`: it would turn the evidence into a plain dict; the column's type
        # stores the typed evidence.
        await session.execute(
            insert(removals), [{f: getattr(r, f) for f in _REMOVAL_COLUMNS} for r in found]
        )


_REMOVAL_COLUMNS = tuple(c.name for c in removals.columns)


async def list_removals(session: AsyncSession, tenant_id: str, user_id: str) -> list[StoredRemoval]:
    """One user's removals (at most three per exercise: rule one's, and the delayed rule's
    suspected and confirmed), in the order they were decided."""
    c = removals.c
    stmt = (
        select(removals)
        .where(c.tenant_id == tenant_id, c.user_id == user_id)
        .order_by(c.decided_at, c.exercise_id, c.severity.desc())
    )
    return await fetch_all(session, StoredRemoval, stmt)


async def notified_flares(
    session: AsyncSession, candidates: Sequence[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    """Which of these (tenant_id, user_id, log_id) flares were notified before, one query
    (only the candidates: the table keeps every flare a user ever had)."""
    if not candidates:
        return set()
    c = flares.c
    rows = await session.execute(
        select(c.tenant_id, c.user_id, c.log_id).where(
            keys_in(session, [c.tenant_id, c.user_id, c.log_id], candidates)
        )
    )
    return {(r[0], r[1], r[2]) for r in rows}


async def add_flares(session: AsyncSession, found: Sequence[StoredFlare]) -> None:
    if found:
        await session.execute(insert(flares), [asdict(f) for f in found])


def flare_id(tenant_id: str, user_id: str, log_id: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"spinefit:flare:{tenant_id}:{user_id}:{log_id}")
