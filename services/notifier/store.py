"""Tables of the notifier: tenants' endpoints, deliveries (one per event and endpoint) and
every attempt. Tenant-facing queries all filter on `tenant_id`; the worker's claim spans
tenants by nature, and everything after it filters on the claimed row's tenant again.

Secrets are stored as they are: the notifier must read them to sign. Access to this table
is access to the signing keys; keep the database private (see docs/webhooks.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.dialect import upsert_insert
from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime
from shared.db.unnest import keys_in

metadata = MetaData()
platform = platform_tables(metadata, "notifier")

endpoints = Table(
    "notifier_endpoints",
    metadata,
    Column("endpoint_id", String(40), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("description", String(500), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(300), nullable=True),
    Column("disabled_at", UTCDateTime, nullable=True),
    # Start of the current run of failed attempts; None after any success.
    Column("failing_since", UTCDateTime, nullable=True),
    Column("secret", String(100), nullable=False),
    Column("previous_secret", String(100), nullable=True),
    Column("previous_secret_expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_notifier_endpoints_tenant", endpoints.c.tenant_id, endpoints.c.created_at)

deliveries = Table(
    "notifier_deliveries",
    metadata,
    Column("delivery_id", String(40), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("endpoint_id", String(40), nullable=False),
    Column("event_id", Uuid, nullable=True),  # None for test events
    Column("event_type", String(64), nullable=False),
    Column("webhook_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # the exact body, the same on every retry
    Column("status", String(16), nullable=False),  # pending | succeeded | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    # A worker's claim: until this time no other worker takes the delivery.
    Column("locked_until", UTCDateTime, nullable=True),
    Column("claim_token", String(32), nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", String(100), nullable=True),
    Column("last_attempt_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    UniqueConstraint("endpoint_id", "event_id", name="uq_notifier_deliveries_endpoint_event"),
)
Index("ix_notifier_deliveries_due", deliveries.c.status, deliveries.c.next_attempt_at)
Index(
    "ix_notifier_deliveries_owner",
    deliveries.c.tenant_id,
    deliveries.c.endpoint_id,
    deliveries.c.created_at,
)

attempts = Table(
    "notifier_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", String(40), nullable=False, index=True),
    Column("tenant_id", String(64), nullable=False),
    Column("endpoint_id", String(40), nullable=False),
    Column("attempted_at", UTCDateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("latency_ms", Integer, nullable=False),
    Column("error", String(100), nullable=True),
    Column("outcome", String(16), nullable=False),
)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


# Endpoints ------------------------------------------------------------------------------


async def add_endpoint(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(endpoints).values(**values))


async def get_endpoint(
    session: AsyncSession, tenant_id: str, endpoint_id: str
) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(endpoints).where(
                endpoints.c.tenant_id == tenant_id, endpoints.c.endpoint_id == endpoint_id
            )
        )
    ).first()
    return dict(row._mapping) if row else None


async def count_endpoints(session: AsyncSession, tenant_id: str) -> int:
    found = await session.scalar(
        select(func.count()).select_from(endpoints).where(endpoints.c.tenant_id == tenant_id)
    )
    return int(found or 0)


async def list_endpoints(session: AsyncSession, tenant_id: str) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(endpoints)
        .where(endpoints.c.tenant_id == tenant_id)
        .order_by(endpoints.c.created_at, endpoints.c.endpoint_id)
    )
    return [dict(r._mapping) for r in rows]


async def update_endpoint(
    session: AsyncSession, tenant_id: str, endpoint_id: str, **values: Any
) -> None:
    await session.execute(
        update(endpoints)
        .where(endpoints.c.tenant_id == tenant_id, endpoints.c.endpoint_id == endpoint_id)
        .values(**values)
    )


async def delete_endpoint(session: AsyncSession, tenant_id: str, endpoint_id: str) -> None:
    for table in (attempts, deliveries, endpoints):
        await session.execute(
            delete(table).where(table.c.tenant_id == tenant_id, table.c.endpoint_id == endpoint_id)
        )


async def enabled_endpoints_of(
    session: AsyncSession, tenant_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """The enabled endpoints of each of these tenants (one query for a whole batch), keyed
    by the row's own tenant_id, so an event only ever meets its own tenant's endpoints."""
    wanted = sorted(set(tenant_ids))
    found: dict[str, list[dict[str, Any]]] = {t: [] for t in wanted}
    if not wanted:
        return found
    rows = await session.execute(
        select(endpoints.c.tenant_id, endpoints.c.endpoint_id, endpoints.c.event_types)
        .where(endpoints.c.tenant_id.in_(wanted), endpoints.c.enabled.is_(True))
        .order_by(endpoints.c.tenant_id, endpoints.c.created_at, endpoints.c.endpoint_id)
    )
    for r in rows:
        found[r.tenant_id].append(dict(r._mapping))
    return found


async def endpoints_by_key(
    session: AsyncSession, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The endpoints with these (tenant_id, endpoint_id) keys as they are now, in one query
    (the worker's re-read of a claimed batch just before sending); a missing key is gone."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = await session.execute(
        select(endpoints).where(
            keys_in(session, [endpoints.c.tenant_id, endpoints.c.endpoint_id], wanted)
        )
    )
    return {(r.tenant_id, r.endpoint_id): dict(r._mapping) for r in rows}


# Deliveries -----------------------------------------------------------------------------


async def add_deliveries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Record deliveries in one statement (executemany: the driver sends the rows together);
    one already recorded for the same event and endpoint is kept."""
    if rows:
        stmt = upsert_insert(session, deliveries).on_conflict_do_nothing(
            index_elements=["endpoint_id", "event_id"]
        )
        await session.execute(stmt, list(rows))


async def get_delivery(
    session: AsyncSession, tenant_id: str, endpoint_id: str, delivery_id: str
) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(deliveries).where(
                deliveries.c.tenant_id == tenant_id,
                deliveries.c.endpoint_id == endpoint_id,
                deliveries.c.delivery_id == delivery_id,
            )
        )
    ).first()
    return dict(row._mapping) if row else None


async def list_deliveries(
    session: AsyncSession, tenant_id: str, endpoint_id: str, *, status: str | None, limit: int
) -> list[dict[str, Any]]:
    stmt = select(deliveries).where(
        deliveries.c.tenant_id == tenant_id, deliveries.c.endpoint_id == endpoint_id
    )
    if status is not None:
        stmt = stmt.where(deliveries.c.status == status)
    rows = await session.execute(
        stmt.order_by(deliveries.c.created_at.desc(), deliveries.c.delivery_id).limit(limit)
    )
    return [dict(r._mapping) for r in rows]


async def attempts_of(
    session: AsyncSession, tenant_id: str, delivery_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    ids = list(delivery_ids)
    found: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = await session.execute(
        select(attempts)
        .where(attempts.c.tenant_id == tenant_id, attempts.c.delivery_id.in_(ids))
        .order_by(attempts.c.id)
    )
    for r in rows:
        found[r.delivery_id].append(dict(r._mapping))
    return found


async def delivery_exists(session: AsyncSession, tenant_id: str, delivery_id: str) -> bool:
    found = await session.scalar(
        select(deliveries.c.delivery_id).where(
            deliveries.c.tenant_id == tenant_id, deliveries.c.delivery_id == delivery_id
        )
    )
    return found is not None


async def update_delivery(
    session: AsyncSession, tenant_id: str, delivery_id: str, **values: Any
) -> None:
    await session.execute(
        update(deliveries)
        .where(deliveries.c.tenant_id == tenant_id, deliveries.c.delivery_id == delivery_id)
        .values(**values)
    )


# The worker -----------------------------------------------------------------------------


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
        .join(
            endpoints,
            and_(
                endpoints.c.endpoint_id == deliveries.c.endpoint_id,
                endpoints.c.tenant_id == deliveries.c.tenant_id,
            ),
        )
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
) -> list[dict[str, Any]]:
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
    rows = await session.execute(
        select(
            deliveries,
            endpoints.c.url,
            endpoints.c.secret,
            endpoints.c.previous_secret,
            endpoints.c.previous_secret_expires_at,
        )
        .join(
            endpoints,
            and_(
                endpoints.c.endpoint_id == deliveries.c.endpoint_id,
                endpoints.c.tenant_id == deliveries.c.tenant_id,
            ),
        )
        .where(deliveries.c.delivery_id.in_(delivery_ids), deliveries.c.claim_token == token)
    )
    return [dict(r._mapping) for r in rows]


async def restart_pending(
    session: AsyncSession, tenant_id: str, endpoint_id: str, now: datetime
) -> None:
    """An endpoint enabled again: its waiting deliveries are due now, on a fresh schedule."""
    await session.execute(
        update(deliveries)
        .where(
            deliveries.c.tenant_id == tenant_id,
            deliveries.c.endpoint_id == endpoint_id,
            deliveries.c.status == "pending",
        )
        .values(next_attempt_at=now, attempts=0)
    )


async def release(session: AsyncSession, token: str, delivery_ids: Sequence[str]) -> None:
    """Give claimed deliveries back unattempted (shutdown): due again at once elsewhere."""
    await session.execute(
        update(deliveries)
        .where(deliveries.c.delivery_id.in_(delivery_ids), deliveries.c.claim_token == token)
        .values(locked_until=None, claim_token=None)
    )


async def end_claimed(
    session: AsyncSession, token: str, keys: Sequence[tuple[str, str]], **values: Any
) -> None:
    """End claimed deliveries, (tenant_id, delivery_id) each, unattempted with `values`
    (e.g. failed, saying why), as far as this worker still holds them; one statement."""
    if keys:
        await session.execute(
            update(deliveries)
            .where(
                keys_in(session, [deliveries.c.tenant_id, deliveries.c.delivery_id], keys),
                deliveries.c.claim_token == token,
            )
            .values(locked_until=None, claim_token=None, **values)
        )


async def add_attempt(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(attempts).values(**values))


async def finish_claimed(
    session: AsyncSession, tenant_id: str, delivery_id: str, token: str, **values: Any
) -> bool:
    """Apply an attempt's result if this worker still holds the claim."""
    result = await session.execute(
        update(deliveries)
        .where(
            deliveries.c.tenant_id == tenant_id,
            deliveries.c.delivery_id == delivery_id,
            deliveries.c.claim_token == token,
        )
        .values(locked_until=None, claim_token=None, **values)
    )
    return bool(getattr(result, "rowcount", 0))
