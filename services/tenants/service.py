"""Use cases of the tenants service: create tenants, issue and revoke their API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.tenants.store import platform, tenants
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.tenants import TenantKeyIssued, TenantKeyRevoked
from shared.tenancy.keys import generate_key


class NotFound(Exception):
    pass


async def create_tenant(uow: UnitOfWork, name: str) -> dict[str, Any]:
    tenant_id = f"tn_{uuid.uuid4().hex[:24]}"
    now = utc_now()
    await uow.session.execute(
        insert(tenants).values(tenant_id=tenant_id, name=name, created_at=now)
    )
    key = await _issue_key(uow, tenant_id, name, now)
    return {"tenant_id": tenant_id, "name": name, "created_at": now.isoformat(), "api_key": key}


async def issue_key(uow: UnitOfWork, tenant_id: str) -> dict[str, Any]:
    tenant = await _tenant(uow.session, tenant_id)
    return await _issue_key(uow, tenant_id, tenant["name"], utc_now())


async def revoke_key(uow: UnitOfWork, tenant_id: str, key_id: str) -> None:
    keys = platform.tenant_keys
    row = (
        await uow.session.execute(
            select(keys.c.key_hash, keys.c.revoked).where(
                keys.c.key_id == key_id, keys.c.tenant_id == tenant_id
            )
        )
    ).first()
    if row is None:
        raise NotFound(key_id)
    if row.revoked:
        return
    await uow.session.execute(update(keys).where(keys.c.key_id == key_id).values(revoked=True))
    await uow.emit(
        TenantKeyRevoked(
            tenant_id=tenant_id, key_id=key_id, key_hash=row.key_hash, revoked_at=utc_now()
        )
    )


async def list_tenants(session: AsyncSession) -> list[dict[str, Any]]:
    rows = await session.execute(select(tenants).order_by(tenants.c.created_at))
    return [_tenant_dict(r._mapping) for r in rows]


async def get_tenant(session: AsyncSession, tenant_id: str) -> dict[str, Any]:
    tenant = await _tenant(session, tenant_id)
    keys = platform.tenant_keys
    rows = await session.execute(
        select(keys.c.key_id, keys.c.issued_at, keys.c.revoked)
        .where(keys.c.tenant_id == tenant_id)
        .order_by(keys.c.issued_at)
    )
    tenant["keys"] = [
        {"key_id": r.key_id, "issued_at": r.issued_at.isoformat(), "revoked": r.revoked}
        for r in rows
    ]
    return tenant


async def _tenant(session: AsyncSession, tenant_id: str) -> dict[str, Any]:
    row = (await session.execute(select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
    if row is None:
        raise NotFound(tenant_id)
    return _tenant_dict(row._mapping)


def _tenant_dict(row: Any) -> dict[str, Any]:
    return {
        "tenant_id": row["tenant_id"],
        "name": row["name"],
        "created_at": row["created_at"].isoformat(),
    }


async def _issue_key(uow: UnitOfWork, tenant_id: str, name: str, now: datetime) -> dict[str, Any]:
    new = generate_key()
    await uow.session.execute(
        insert(platform.tenant_keys).values(
            key_id=new.key_id,
            tenant_id=tenant_id,
            tenant_name=name,
            key_hash=new.key_hash,
            issued_at=now,
            revoked=False,
        )
    )
    await uow.emit(
        TenantKeyIssued(
            tenant_id=tenant_id,
            tenant_name=name,
            key_id=new.key_id,
            key_hash=new.key_hash,
            issued_at=now,
        )
    )
    # The only time the key itself is ever shown.
    return {"key_id": new.key_id, "key": new.key, "issued_at": now.isoformat()}
