"""Tables of the notifier: tenants' endpoints, deliveries (one per event and endpoint) and
every attempt. The queries on them are beside this module (`endpoints`, `deliveries`,
`claims`): tenant-facing ones all filter on `tenant_id`; the worker's claim spans tenants by
nature, and everything after it filters on the claimed row's tenant again.

Secrets are stored as they are: the notifier must read them to sign. Access to this table
is access to the signing keys; keep the database private (see docs/webhooks.md).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime

metadata = MetaData()
platform = platform_tables(metadata, "notifier")

endpoints = Table(
    "notifier_endpoints",
    metadata,
    Column("endpoint_id", String(40), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("description", String(500), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", String(300), nullable=True),
    Column("disabled_at", UTCDateTime, nullable=True),
    # Start of the current run of failed attempts; None after any success.
    Column("failing_since", UTCDateTime, nullable=True),
    Column("secret", String(100), nullable=False),
    Column("previous_secret", String(100), nullable=True),
    Column("previous_secret_expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_notifier_endpoints_tenant", endpoints.c.tenant_id, endpoints.c.created_at)

deliveries = Table(
    "notifier_deliveries",
    metadata,
    Column("delivery_id", String(40), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("endpoint_id", String(40), nullable=False),
    Column("event_id", Uuid, nullable=True),  # None for test events
    Column("event_type", String(64), nullable=False),
    Column("webhook_id", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # the exact body, the same on every retry
    Column("status", String(16), nullable=False),  # pending | succeeded | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    # A worker's claim: until this time no other worker takes the delivery.
    Column("locked_until", UTCDateTime, nullable=True),
    Column("claim_token", String(32), nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", String(100), nullable=True),
    Column("last_attempt_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    UniqueConstraint("endpoint_id", "event_id", name="uq_notifier_deliveries_endpoint_event"),
)
Index("ix_notifier_deliveries_due", deliveries.c.status, deliveries.c.next_attempt_at)
Index(
    "ix_notifier_deliveries_owner",
    deliveries.c.tenant_id,
    deliveries.c.endpoint_id,
    deliveries.c.created_at,
)

attempts = Table(
    "notifier_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", String(40), nullable=False, index=True),
    Column("tenant_id", String(64), nullable=False),
    Column("endpoint_id", String(40), nullable=False),
    Column("attempted_at", UTCDateTime, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("latency_ms", Integer, nullable=False),
    Column("error", String(100), nullable=True),
    Column("outcome", String(16), nullable=False),
)


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def row_values(record: Any) -> dict[str, Any]:
    """A record's fields as the values of its row's columns (a record of a whole row, as
    `services.notifier.domain.records` has them, names its columns exactly)."""
    return {name: getattr(record, name) for name in record.__slots__}
