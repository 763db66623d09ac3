"""Queries on deliveries and their attempts: recording them, a tenant's reads (one page of an
endpoint's deliveries, newest first, each with its attempts) and a manual retry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.domain.records import Attempt, Delivery, PageKey
from services.notifier.store.tables import attempts, deliveries, row_values
from shared.db.dialect import upsert_insert
from shared.db.pages import keyset
from shared.db.rows import fetch_all, fetch_one

# The order of an endpoint's list (newest first), also its cursor's key: unique, and a
# delivery recorded later never lands inside pages already read.
LIST_KEY = (deliveries.c.created_at, deliveries.c.delivery_id)
ATTEMPT_COLUMNS = [attempts.c[name] for name in Attempt.__dataclass_fields__]


async def add_many(session: AsyncSession, new: Sequence[Delivery]) -> None:
    """Record deliveries in one statement (executemany: the driver sends the rows together);
    one already recorded for the same event and endpoint is kept."""
    if new:
        stmt = upsert_insert(session, deliveries).on_conflict_do_nothing(
            index_elements=["endpoint_id", "event_id"]
        )
        await session.execute(stmt, [row_values(d) for d in new])


async def get(
    session: AsyncSession, tenant_id: str, endpoint_id: str, delivery_id: str
) -> Delivery | None:
    stmt = select(deliveries).where(
        deliveries.c.tenant_id == tenant_id,
        deliveries.c.endpoint_id == endpoint_id,
        deliveries.c.delivery_id == delivery_id,
    )
    return await fetch_one(session, Delivery, stmt)


async def page(
    session: AsyncSession,
    tenant_id: str,
    endpoint_id: str,
    *,
    status: str | None,
    after: PageKey | None,
    limit: int,
) -> list[Delivery]:
    """Up to `limit + 1` of the endpoint's deliveries (of this status, if given), newest
    first, strictly after the key (created_at, delivery_id) `after`."""
    stmt = select(deliveries).where(
        deliveries.c.tenant_id == tenant_id, deliveries.c.endpoint_id == endpoint_id
    )
    if status is not None:
        stmt = stmt.where(deliveries.c.status == status)
    return await fetch_all(session, Delivery, keyset(stmt, LIST_KEY, after, limit=limit))


async def attempts_of(
    session: AsyncSession, tenant_id: str, delivery_ids: Iterable[str]
) -> dict[str, list[Attempt]]:
    """The attempts of each of these deliveries, oldest first, in one query."""
    ids = list(delivery_ids)
    found: dict[str, list[Attempt]] = {i: [] for i in ids}
    if not ids:
        return found
    stmt = (
        select(*ATTEMPT_COLUMNS)
        .where(attempts.c.tenant_id == tenant_id, attempts.c.delivery_id.in_(ids))
        .order_by(attempts.c.id)
    )
    for attempt in await fetch_all(session, Attempt, stmt):
        found[attempt.delivery_id].append(attempt)
    return found


async def exists(session: AsyncSession, tenant_id: str, delivery_id: str) -> bool:
    found = await session.scalar(
        select(deliveries.c.delivery_id).where(
            deliveries.c.tenant_id == tenant_id, deliveries.c.delivery_id == delivery_id
        )
    )
    return found is not None


async def add_attempt(session: AsyncSession, attempt: Attempt) -> None:
    await session.execute(insert(attempts).values(row_values(attempt)))


async def due_again(session: AsyncSession, tenant_id: str, delivery_id: str, now: datetime) -> None:
    """A manual retry: pending and due now, whatever it ended as."""
    await session.execute(
        update(deliveries)
        .where(deliveries.c.tenant_id == tenant_id, deliveries.c.delivery_id == delivery_id)
        .values(status="pending", next_attempt_at=now, completed_at=None)
    )


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
