"""Queries on a tenant's endpoints. Each change is a statement of its own columns only, so
the worker's health bookkeeping and a tenant's edit never overwrite each other's fields."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier.domain.records import Endpoint, PageKey, Subscriber
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


async def _save(session: AsyncSession, endpoint: Endpoint, columns: tuple[str, ...]) -> None:
    """Store these columns of the endpoint (and `updated_at`) as `endpoint` has them."""
    values = {name: getattr(endpoint, name) for name in (*columns, "updated_at")}
    await session.execute(_update(endpoint.tenant_id, endpoint.endpoint_id).values(values))


def _update(tenant_id: str, endpoint_id: str) -> Any:
    return update(endpoints).where(
        endpoints.c.tenant_id == tenant_id, endpoints.c.endpoint_id == endpoint_id
    )


async def set_target(session: AsyncSession, endpoint: Endpoint) -> None:
    """Where its deliveries go and which it takes."""
    await _save(session, endpoint, ("url", "description", "event_types"))


async def set_enabled(session: AsyncSession, endpoint: Endpoint) -> None:
    """Whether it is on, why not, and its run of failures."""
    await _save(session, endpoint, ("enabled", "disabled_reason", "disabled_at", "failing_since"))


async def set_secrets(session: AsyncSession, endpoint: Endpoint) -> None:
    await _save(session, endpoint, ("secret", "previous_secret", "previous_secret_expires_at"))


async def set_failing_since(
    session: AsyncSession, tenant_id: str, endpoint_id: str, failing_since: datetime | None
) -> None:
    await session.execute(_update(tenant_id, endpoint_id).values(failing_since=failing_since))


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
