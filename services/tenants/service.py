"""Use cases of the tenants service: create tenants, issue and revoke their API keys; and the
reads behind the operator's routes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.tenants import store, views
from services.tenants.store import NewKeyRecord, TenantRecord
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.tenants import TenantKeyIssued, TenantKeyRevoked
from shared.http.pagination import Page, decode_cursor, page_of
from shared.http.problems import NotFound
from shared.tenancy.keys import generate_key

# The operator's lists are global: their cursors are scoped to this fixed tag, not a tenant.
OPERATOR = "operator"


def _no_tenant() -> NotFound:
    return NotFound("tenant not found")


async def create_tenant(uow: UnitOfWork, name: str) -> dict[str, Any]:
    """The new tenant and its first key: the answer's body (`views.CreatedTenant`)."""
    tenant = TenantRecord(tenant_id=f"tn_{uuid.uuid4().hex[:24]}", name=name, created_at=utc_now())
    await store.add_tenant(uow.session, tenant)
    key = await _issue_key(uow, tenant, tenant.created_at)
    created = views.CreatedTenant(**views.tenant(tenant).model_dump(), api_key=key)
    return created.model_dump(mode="json")


async def issue_key(uow: UnitOfWork, tenant_id: str) -> dict[str, Any]:
    """A new key for the tenant: the answer's body (`views.NewKey`)."""
    tenant = await store.get_tenant(uow.session, tenant_id)
    if tenant is None:
        raise _no_tenant()
    key = await _issue_key(uow, tenant, utc_now())
    return key.model_dump(mode="json")


async def revoke_key(uow: UnitOfWork, tenant_id: str, key_id: str) -> None:
    state = await store.key_state(uow.session, tenant_id, key_id)
    if state is None:
        raise NotFound("key not found")
    if state.revoked:
        return
    await store.revoke_key(uow.session, tenant_id, key_id)
    await uow.emit(
        TenantKeyRevoked(
            tenant_id=tenant_id, key_id=key_id, key_hash=state.key_hash, revoked_at=utc_now()
        )
    )


async def list_tenants(session: AsyncSession, limit: int, cursor: str | None) -> Page[views.Tenant]:
    after = decode_cursor(cursor, "tenants", OPERATOR, (datetime, str))
    rows = await store.page_of_tenants(session, _key(after), limit)
    return page_of(
        [views.tenant(r) for r in rows],
        limit,
        "tenants",
        OPERATOR,
        lambda t: (t.created_at, t.tenant_id),
    )


async def get_tenant(session: AsyncSession, tenant_id: str) -> views.TenantDetail:
    tenant = await store.get_tenant(session, tenant_id)
    if tenant is None:
        raise _no_tenant()
    active = await store.count_active_keys(session, tenant_id)
    return views.TenantDetail(**views.tenant(tenant).model_dump(), active_keys=active)


async def list_keys(
    session: AsyncSession, tenant_id: str, limit: int, cursor: str | None
) -> Page[views.Key]:
    scope = f"tenant-keys:{tenant_id}"
    after = decode_cursor(cursor, scope, OPERATOR, (datetime, str))
    if after is None and await store.get_tenant(session, tenant_id) is None:
        raise _no_tenant()
    rows = await store.page_of_keys(session, tenant_id, _key(after), limit)
    return page_of(
        [views.key(r) for r in rows], limit, scope, OPERATOR, lambda k: (k.issued_at, k.key_id)
    )


def _key(after: tuple[Any, ...] | None) -> tuple[datetime, str] | None:
    """A decoded cursor's (time, id), its kinds checked by `decode_cursor`."""
    return None if after is None else (after[0], after[1])


async def _issue_key(uow: UnitOfWork, tenant: TenantRecord, now: datetime) -> views.NewKey:
    new = generate_key()
    await store.add_key(
        uow.session,
        NewKeyRecord(
            key_id=new.key_id,
            tenant_id=tenant.tenant_id,
            tenant_name=tenant.name,
            key_hash=new.key_hash,
            issued_at=now,
        ),
    )
    await uow.emit(
        TenantKeyIssued(
            tenant_id=tenant.tenant_id,
            tenant_name=tenant.name,
            key_id=new.key_id,
            key_hash=new.key_hash,
            issued_at=now,
        )
    )
    # The only time the key itself is ever shown.
    return views.NewKey(key_id=new.key_id, key=new.key, issued_at=now)
