"""Tables of the tenants service: tenants and their API keys (hashes only), and every query
on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, MetaData, String, Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.pages import keyset
from shared.db.platform_tables import platform_tables
from shared.db.rows import fetch_all, fetch_one
from shared.db.types import UTCDateTime

metadata = MetaData()
# The tenants service is the source of truth for keys: its tenant_keys table is the master,
# the other services hold replicas fed by tenant-key events.
platform = platform_tables(metadata, "tenants")

tenants = Table(
    "tenants_tenants",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
keys = platform.tenant_keys


@dataclass(frozen=True, slots=True)
class TenantRecord:
    tenant_id: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """An API key as an operator may see it: never its hash."""

    key_id: str
    issued_at: datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class NewKeyRecord:
    key_id: str
    tenant_id: str
    tenant_name: str
    key_hash: str
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class KeyState:
    key_hash: str
    revoked: bool


async def add_tenant(session: AsyncSession, tenant: TenantRecord) -> None:
    await session.execute(
        insert(tenants).values(
            tenant_id=tenant.tenant_id, name=tenant.name, created_at=tenant.created_at
        )
    )


async def get_tenant(session: AsyncSession, tenant_id: str) -> TenantRecord | None:
    return await fetch_one(
        session, TenantRecord, select(tenants).where(tenants.c.tenant_id == tenant_id)
    )


async def page_of_tenants(
    session: AsyncSession, after: tuple[datetime, str] | None, limit: int
) -> list[TenantRecord]:
    """Tenants, oldest first, after the key (created_at, tenant_id): `limit + 1` of them."""
    columns = [tenants.c.created_at, tenants.c.tenant_id]
    stmt = keyset(select(tenants), columns, after, limit=limit, descending=False)
    return await fetch_all(session, TenantRecord, stmt)


async def add_key(session: AsyncSession, key: NewKeyRecord) -> None:
    await session.execute(
        insert(keys).values(
            key_id=key.key_id,
            tenant_id=key.tenant_id,
            tenant_name=key.tenant_name,
            key_hash=key.key_hash,
            issued_at=key.issued_at,
            revoked=False,
        )
    )


async def key_state(session: AsyncSession, tenant_id: str, key_id: str) -> KeyState | None:
    return await fetch_one(
        session,
        KeyState,
        select(keys.c.key_hash, keys.c.revoked).where(
            keys.c.key_id == key_id, keys.c.tenant_id == tenant_id
        ),
    )


async def revoke_key(session: AsyncSession, tenant_id: str, key_id: str) -> None:
    await session.execute(
        update(keys)
        .where(keys.c.key_id == key_id, keys.c.tenant_id == tenant_id)
        .values(revoked=True)
    )


async def page_of_keys(
    session: AsyncSession, tenant_id: str, after: tuple[datetime, str] | None, limit: int
) -> list[KeyRecord]:
    """A tenant's keys, oldest first, after the key (issued_at, key_id): `limit + 1`."""
    stmt = select(keys.c.key_id, keys.c.issued_at, keys.c.revoked).where(
        keys.c.tenant_id == tenant_id
    )
    stmt = keyset(stmt, [keys.c.issued_at, keys.c.key_id], after, limit=limit, descending=False)
    return await fetch_all(session, KeyRecord, stmt)


async def count_active_keys(session: AsyncSession, tenant_id: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(keys)
        .where(keys.c.tenant_id == tenant_id, keys.c.revoked.is_(False))
    )
    return int(count or 0)
