"""Every service (but the tenants service itself) keeps its replica of tenant keys."""

from __future__ import annotations

from shared.events.tenants import TenantKeyIssued, TenantKeyRevoked
from shared.messaging.bus import EventBus
from shared.tenancy.replica import upsert_keys


def replicate_tenant_keys(bus: EventBus) -> None:
    bus.subscribe(TenantKeyIssued, upsert_keys)
    bus.subscribe(TenantKeyRevoked, upsert_keys)
