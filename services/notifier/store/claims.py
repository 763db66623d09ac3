"""The delivery worker's queries: due deliveries, leases on them (`claim_token`,
`locked_until`) and the end of a lease: given back, ended unattempted, or an attempt's result.
A lease another worker took meanwhile is never touched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.domain.records import Claimed
from services.notifier.store.tables import deliveries, endpoints
from shared.db.rows import fetch_all
from shared.db.unnest import keys_in

_ITS_ENDPOINT = and_(
    endpoints.c.endpoint_id == deliveries.c.endpoint_id,
    endpoints.c.tenant_id == deliveries.c.tenant_id,
)
_CLAIMED_COLUMNS = (
    deliveries.c.delivery_id,
    deliveries.c.tenant_id,
    deliveries.c.endpoint_id,
    deliveries.c.event_type,
    deliveries.c.webhook_id,
    deliveries.c.payload,
    deliveries.c.attempts,
    deliveries.c.claim_token,
    endpoints.c.url,
    endpoints.c.secret,
    endpoints.c.previous_secret,
    endpoints.c.previous_secret_expires_at,
)


async def due_candidates(
    session: AsyncSession,
    now: datetime,
    *,
    limit: int,
    exclude_endpoints: Iterable[str],
    skip_locked: bool,
) -> list[tuple[str, str]]:
    """(delivery_id, endpoint_id) of due, unclaimed deliveries of enabled endpoints, oldest
    due first. On PostgreSQL the rows stay locked (SKIP LOCKED) until the claim commits."""
    stmt = (
        select(deliveries.c.delivery_id, deliveries.c.endpoint_id)
        .join(endpoints, _ITS_ENDPOINT)
        .where(
            deliveries.c.status == "pending",
            deliveries.c.next_attempt_at <= now,
            or_(deliveries.c.locked_until.is_(None), deliveries.c.locked_until <= now),
            endpoints.c.enabled.is_(True),
        )
        .order_by(deliveries.c.next_attempt_at)
        .limit(limit)
    )
    excluded = list(exclude_endpoints)
    if excluded:
        stmt = stmt.where(deliveries.c.endpoint_id.not_in(excluded))
    if skip_locked:
        stmt = stmt.with_for_update(of=deliveries, skip_locked=True)
    return [(r.delivery_id, r.endpoint_id) for r in await session.execute(stmt)]


async def claim(
    session: AsyncSession,
    delivery_ids: Sequence[str],
    *,
    token: str,
    now: datetime,
    until: datetime,
) -> list[Claimed]:
    """Lease the deliveries to this worker; returns them with their endpoint's url and
    secrets. A delivery another worker leased meanwhile is left out (the row locks of
    `due_candidates` already prevent that; this holds even without them)."""
    if not delivery_ids:
        return []
    await session.execute(
        update(deliveries)
        .where(
            deliveries.c.delivery_id.in_(delivery_ids),
            deliveries.c.status == "pending",
            or_(deliveries.c.locked_until.is_(None), deliveries.c.locked_until <= now),
        )
        .values(locked_until=until, claim_token=token)
    )
    stmt = (
        select(*_CLAIMED_COLUMNS)
        .join(endpoints, _ITS_ENDPOINT)
        .where(deliveries.c.delivery_id.in_(delivery_ids), deliveries.c.claim_token == token)
    )
    return await fetch_all(session, Claimed, stmt)


async def release(session: AsyncSession, token: str, delivery_ids: Sequence[str]) -> None:
    """Give claimed deliveries back unattempted (shutdown): due again at once elsewhere."""
    await session.execute(
        update(deliveries)
        .where(deliveries.c.delivery_id.in_(delivery_ids), deliveries.c.claim_token == token)
        .values(locked_until=None, claim_token=None)
    )


async def end_unattempted(
    session: AsyncSession,
    token: str,
    keys: Sequence[tuple[str, str]],
    *,
    last_error: str,
    completed_at: datetime,
) -> None:
    """End claimed deliveries, (tenant_id, delivery_id) each, failed without an attempt,
    saying why, as far as this worker still holds them; one statement."""
    if keys:
        await session.execute(
            update(deliveries)
            .where(
                keys_in(session, [deliveries.c.tenant_id, deliveries.c.delivery_id], keys),
                deliveries.c.claim_token == token,
            )
            .values(
                locked_until=None,
                claim_token=None,
                status="failed",
                next_attempt_at=None,
                last_error=last_error,
                completed_at=completed_at,
            )
        )


async def finish(
    session: AsyncSession,
    claimed: Claimed,
    *,
    status: str,
    next_attempt_at: datetime | None,
    last_status_code: int | None,
    last_error: str | None,
    last_attempt_at: datetime,
    completed_at: datetime | None,
) -> bool:
    """Apply an attempt's result (one more attempt made) if this worker still holds the
    claim; False when it does not."""
    result = await session.execute(
        update(deliveries)
        .where(
            deliveries.c.tenant_id == claimed.tenant_id,
            deliveries.c.delivery_id == claimed.delivery_id,
            deliveries.c.claim_token == claimed.claim_token,
        )
        .values(
            locked_until=None,
            claim_token=None,
            attempts=claimed.attempts + 1,
            status=status,
            next_attempt_at=next_attempt_at,
            last_status_code=last_status_code,
            last_error=last_error,
            last_attempt_at=last_attempt_at,
            completed_at=completed_at,
        )
    )
    return bool(getattr(result, "rowcount", 0))
