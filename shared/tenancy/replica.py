"""Each service's replica of tenant API keys, kept from the tenants service's events, and
the check of a presented key against it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.dialect import upsert_insert
from shared.db.platform_tables import PlatformTables
from shared.db.uow import UnitOfWork
from shared.events.tenants import TenantKeyIssued, TenantKeyRevoked
from shared.tenancy.keys import key_id_of, matches


async def upsert_keys(
    events: Sequence[TenantKeyIssued | TenantKeyRevoked], uow: UnitOfWork
) -> None:
    """One multi-row upsert per batch. Order-independent: a revocation seen before its issue
    still wins. A batch holds one event type; a key named twice in it is written once (a
    multi-row upsert may not touch a row twice)."""
    table = uow.tables.tenant_keys
    rows = {}
    for event in events:
        rows[event.key_id] = {
            "key_id": event.key_id,
            "tenant_id": event.tenant_id,
            "tenant_name": getattr(event, "tenant_name", ""),
            "key_hash": event.key_hash,
            "issued_at": getattr(event, "issued_at", None) or event.occurred_at,
            "revoked": isinstance(event, TenantKeyRevoked),
        }
    stmt = upsert_insert(uow.session, table).values(list(rows.values()))
    revoked = isinstance(events[0], TenantKeyRevoked)
    update = {"revoked": True} if revoked else {"tenant_name": stmt.excluded.tenant_name}
    await uow.session.execute(stmt.on_conflict_do_update(index_elements=["key_id"], set_=update))


async def tenant_for_key(session: AsyncSession, tables: PlatformTables, key: str) -> str | None:
    """The tenant owning a valid, unrevoked key, else None."""
    key_id = key_id_of(key)
    if key_id is None:
        return None
    table = tables.tenant_keys
    row = (
        await session.execute(
            select(table.c.tenant_id, table.c.key_hash, table.c.revoked).where(
                table.c.key_id == key_id
            )
        )
    ).first()
    if row is None or row.revoked or not matches(key, row.key_hash):
        return None
    return str(row.tenant_id)
