"""Queries on a tenant's endpoints. A change stores the fields it set only, so the worker's
health bookkeeping and a tenant's edit never overwrite each other's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.domain.records import Endpoint, EndpointField, PageKey, Subscriber
from services.notifier.store.tables import attempts, deliveries, endpoints, row_values
from shared.db.pages import keyset
from shared.db.rows import fetch_all, fetch_one
from shared.db.unnest import keys_in

# The order of a tenant's list (oldest first), also its cursor's key.
LIST_KEY = (endpoints.c.created_at, endpoints.c.endpoint_id)


async def add(session: AsyncSession, endpoint: Endpoint) -> None:
    await session.execute(insert(endpoints).values(row_values(endpoint)))


async def get(session: AsyncSession, tenant_id: str, endpoint_id: str) -> Endpoint | None:
    stmt = select(endpoints).where(
        endpoints.c.tenant_id == tenant_id, endpoints.c.endpoint_id == endpoint_id
    )
    return await fetch_one(session, Endpoint, stmt)


async def count(session: AsyncSession, tenant_id: str) -> int:
    found = await session.scalar(
        select(func.count()).select_from(endpoints).where(endpoints.c.tenant_id == tenant_id)
    )
    return int(found or 0)


async def page(
    session: AsyncSession, tenant_id: str, *, after: PageKey | None, limit: int
) -> list[Endpoint]:
    """Up to `limit + 1` of the tenant's endpoints, oldest first, strictly after the key
    (created_at, endpoint_id) `after`."""
    stmt = keyset(
        select(endpoints).where(endpoints.c.tenant_id == tenant_id),
        LIST_KEY,
        after,
        limit=limit,
        descending=False,
    )
    return await fetch_all(session, Endpoint, stmt)


async def save(session: AsyncSession, endpoint: Endpoint, fields: Sequence[EndpointField]) -> None:
    """Store these fields of the endpoint as `endpoint` has them, and no other: a change
    never overwrites what another one set meanwhile (the worker's health, a tenant's edit)."""
    if fields:
        values = {name: getattr(endpoint, name) for name in fields}
        await session.execute(
            update(endpoints)
            .where(
                endpoints.c.tenant_id == endpoint.tenant_id,
                endpoints.c.endpoint_id == endpoint.endpoint_id,
            )
            .values(values)
        )


async def remove(session: AsyncSession, tenant_id: str, endpoint_id: str) -> None:
    """The endpoint with its deliveries and their attempts."""
    for table in (attempts, deliveries, endpoints):
        await session.execute(
            delete(table).where(table.c.tenant_id == tenant_id, table.c.endpoint_id == endpoint_id)
        )


async def subscribers_of(
    session: AsyncSession, tenant_ids: Iterable[str]
) -> dict[str, list[Subscriber]]:
    """The enabled endpoints of each of these tenants (one query for a whole batch), keyed
    by the row's own tenant_id, so an event only ever meets its own tenant's endpoints."""
    wanted = sorted(set(tenant_ids))
    found: dict[str, list[Subscriber]] = {t: [] for t in wanted}
    if not wanted:
        return found
    stmt = (
        select(endpoints.c.tenant_id, endpoints.c.endpoint_id, endpoints.c.event_types)
        .where(endpoints.c.tenant_id.in_(wanted), endpoints.c.enabled.is_(True))
        .order_by(endpoints.c.tenant_id, endpoints.c.created_at, endpoints.c.endpoint_id)
    )
    for subscriber in await fetch_all(session, Subscriber, stmt):
        found[subscriber.tenant_id].append(subscriber)
    return found


async def by_key(
    session: AsyncSession, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Endpoint]:
    """The endpoints with these (tenant_id, endpoint_id) keys as they are now, in one query
    (the worker's re-read of a claimed batch just before sending); a missing key is gone."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    stmt = select(endpoints).where(
        keys_in(session, [endpoints.c.tenant_id, endpoints.c.endpoint_id], wanted)
    )
    return {(e.tenant_id, e.endpoint_id): e for e in await fetch_all(session, Endpoint, stmt)}
