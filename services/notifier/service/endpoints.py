"""A tenant's endpoints: register (the secret is shown once), read, change, rotate the
secret, remove. Another tenant's endpoint is not found, never forbidden."""

from __future__ import annotations

import asyncio
import secrets as random_source
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier import store
from services.notifier.domain import endpoints as rules
from services.notifier.domain.addresses import UrlRefused
from services.notifier.domain.records import Endpoint, EndpointField, PageKey
from services.notifier.domain.signing import SECRET_BYTES, format_secret
from services.notifier.sender import resolve, vetted_addresses
from services.notifier.settings import NotifierSettings
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.http.problems import Conflict, NotFound, Unprocessable, field_error

ROTATED_FIELDS: tuple[EndpointField, ...] = (
    "secret",
    "previous_secret",
    "previous_secret_expires_at",
    "updated_at",
)


def new_secret() -> str:
    return format_secret(random_source.token_bytes(SECRET_BYTES))


async def vet_url(url: str, settings: NotifierSettings) -> None:
    """A 422 naming `url` unless it (and every address its name resolves to) may receive
    webhooks. Called before the unit of work: a name is never resolved inside a write."""
    try:
        # A name whose DNS never answers must not hold the request (and a worker) forever.
        async with asyncio.timeout(settings.webhook_attempt_timeout_s):
            await vetted_addresses(url, settings.address_policy, resolve)
    except TimeoutError:
        raise _url_refused("host name did not resolve in time") from None
    except UrlRefused as exc:
        raise _url_refused(str(exc)) from None


def _url_refused(message: str) -> Unprocessable:
    return Unprocessable("invalid fields: url", errors=[field_error("url", message, "url_refused")])


async def load(session: AsyncSession, tenant_id: str, endpoint_id: str) -> Endpoint:
    """The tenant's endpoint, or a 404."""
    endpoint = await store.endpoints.get(session, tenant_id, endpoint_id)
    if endpoint is None:
        raise NotFound("endpoint not found")
    return endpoint


async def page(
    session: AsyncSession, tenant_id: str, *, after: PageKey | None, limit: int
) -> list[Endpoint]:
    """Up to `limit + 1` endpoints of the tenant, oldest first, after the cursor's key."""
    return await store.endpoints.page(session, tenant_id, after=after, limit=limit)


async def create(
    uow: UnitOfWork,
    tenant_id: str,
    *,
    url: str,
    event_types: list[str],
    description: str,
    max_endpoints: int,
) -> Endpoint:
    """A new endpoint, on, with a fresh secret; a 409 past the tenant's cap."""
    if await store.endpoints.count(uow.session, tenant_id) >= max_endpoints:
        raise Conflict(
            f"endpoints: at most {max_endpoints} per tenant; delete one first",
            code="limit-reached",
            limit=max_endpoints,
        )
    now = utc_now()
    endpoint = Endpoint(
        endpoint_id=store.tables.new_id("ep"),
        tenant_id=tenant_id,
        url=url,
        description=description,
        event_types=event_types,
        enabled=True,
        disabled_reason=None,
        disabled_at=None,
        failing_since=None,
        secret=new_secret(),
        previous_secret=None,
        previous_secret_expires_at=None,
        created_at=now,
        updated_at=now,
    )
    await store.endpoints.add(uow.session, endpoint)
    return endpoint


async def update(
    uow: UnitOfWork,
    tenant_id: str,
    endpoint_id: str,
    *,
    url: str | None = None,
    description: str | None = None,
    event_types: list[str] | None = None,
    enabled: bool | None = None,
) -> Endpoint:
    """The tenant's changes (None: unchanged). Turned on again, its waiting deliveries are
    due at once: they would otherwise sit out their backoff (up to 10 h)."""
    current = await load(uow.session, tenant_id, endpoint_id)
    now = utc_now()
    edit = rules.edited(
        current, now, url=url, description=description, event_types=event_types, enabled=enabled
    )
    await store.endpoints.save(uow.session, edit.endpoint, edit.fields)
    if edit.switched and edit.endpoint.enabled:
        await store.deliveries.restart_pending(uow.session, tenant_id, endpoint_id, now)
    return edit.endpoint


async def rotate_secret(
    uow: UnitOfWork, tenant_id: str, endpoint_id: str, grace_s: float
) -> Endpoint:
    """A new secret, returned once; the current one keeps signing for `grace_s`."""
    current = await load(uow.session, tenant_id, endpoint_id)
    now = utc_now()
    rotated = replace(
        current,
        secret=new_secret(),
        previous_secret=current.secret,
        previous_secret_expires_at=now + timedelta(seconds=grace_s),
        updated_at=now,
    )
    await store.endpoints.save(uow.session, rotated, ROTATED_FIELDS)
    return rotated


async def delete(uow: UnitOfWork, tenant_id: str, endpoint_id: str) -> None:
    """The endpoint with its deliveries and their history."""
    await load(uow.session, tenant_id, endpoint_id)
    await store.endpoints.remove(uow.session, tenant_id, endpoint_id)
