"""Tables every service has, prefixed with the service name so that services sharing one
PostgreSQL database never share a table (each service owns its tables, DESIGN.md).

- outbox: events written in the same transaction as the state change, relayed after commit.
- processed_events: the idempotency record of consumed events, written with their effect.
- idempotency_keys: stored answers to `POST`s carrying an `Idempotency-Key` header.
- tenant_keys: this service's replica of the tenants' API key hashes (from tenant events).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    false,
)

from shared.db.types import UTCDateTime


@dataclass(frozen=True)
class PlatformTables:
    outbox: Table
    processed_events: Table
    idempotency_keys: Table
    tenant_keys: Table


def platform_tables(metadata: MetaData, prefix: str) -> PlatformTables:
    outbox = Table(
        f"{prefix}_outbox",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("tenant_id", String(64), nullable=False),
        Column("event_type", String(64), nullable=False),
        Column("payload", Text, nullable=False),
        Column("correlation_id", String(128), nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("published_at", UTCDateTime, nullable=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", String(500), nullable=True),
        # Also relayed to the stream's priority lane (Event.urgent).
        Column("priority", Boolean, nullable=False, default=False, server_default=false()),
    )
    Index(f"ix_{prefix}_outbox_unpublished", outbox.c.published_at, outbox.c.id)
    processed = Table(
        f"{prefix}_processed_events",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("tenant_id", String(64), nullable=False),
        Column("event_type", String(64), nullable=False),
        Column("processed_at", UTCDateTime, nullable=False),
    )
    idempotency = Table(
        f"{prefix}_idempotency_keys",
        metadata,
        Column("tenant_id", String(64), primary_key=True),
        Column("key", String(255), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("response_body", Text, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
    )
    tenant_keys = Table(
        f"{prefix}_tenant_keys",
        metadata,
        Column("key_id", String(64), primary_key=True),
        Column("tenant_id", String(64), nullable=False, index=True),
        Column("tenant_name", String(200), nullable=False),
        Column("key_hash", String(64), nullable=False),
        Column("issued_at", UTCDateTime, nullable=False),
        Column("revoked", Boolean, nullable=False, default=False),
    )
    return PlatformTables(outbox, processed, idempotency, tenant_keys)
