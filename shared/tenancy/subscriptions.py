"""Every service (but the tenants service itself) keeps its replica of tenant keys."""

from __future__ import annotations

from shared.events.tenants import TenantKeyIssued, TenantKeyRevoked
from shared.messaging.bus import EventBus
from shared.tenancy.replica import KeyReplica


def replicate_tenant_keys(bus: EventBus) -> KeyReplica:
    """Subscribe this process's replica to the key events; load it before the bus starts."""
    replica = KeyReplica()
    bus.subscribe(TenantKeyIssued, replica.handle)
    bus.subscribe(TenantKeyRevoked, replica.handle)
    return replica
