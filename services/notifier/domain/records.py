"""The notifier's records: what its store returns and takes, frozen and typed. Only the store
makes them from rows (`shared.db.rows`); use cases, the worker and the views read fields."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

# Where a page of a list ends: the last item's (created_at, id), its order and cursor key.
PageKey = tuple[datetime, str]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A tenant's endpoint, secrets included (never shown past the create/rotate answer)."""

    endpoint_id: str
    tenant_id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    disabled_at: datetime | None
    failing_since: datetime | None  # start of the current run of failed attempts
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


# The fields of an endpoint a change may set (each its own column).
EndpointField = Literal[
    "url",
    "description",
    "event_types",
    "enabled",
    "disabled_reason",
    "disabled_at",
    "failing_since",
    "secret",
    "previous_secret",
    "previous_secret_expires_at",
    "updated_at",
]
# Those of turning it on or off.
SWITCH_FIELDS: tuple[EndpointField, ...] = ("enabled", "disabled_reason", "disabled_at")


@dataclass(frozen=True, slots=True)
class Subscriber:
    """An enabled endpoint as the recording of deliveries sees it."""

    tenant_id: str
    endpoint_id: str
    event_types: list[str]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event (or test) to one endpoint, with the state of its attempts so far."""

    delivery_id: str
    tenant_id: str
    endpoint_id: str
    event_id: uuid.UUID | None  # None for test events
    event_type: str
    webhook_id: str
    payload: str  # the exact body, the same on every retry
    status: str  # pending | succeeded | failed
    attempts: int
    next_attempt_at: datetime | None
    locked_until: datetime | None
    claim_token: str | None
    last_status_code: int | None
    last_error: str | None
    last_attempt_at: datetime | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Attempt:
    delivery_id: str
    tenant_id: str
    endpoint_id: str
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None
    outcome: str


@dataclass(frozen=True, slots=True)
class DeliveryHistory:
    """A delivery with its attempts, oldest first (what a tenant reads)."""

    delivery: Delivery
    attempts: list[Attempt]


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery leased to a worker, with what sending it takes: its endpoint's URL and
    secrets (as of the claim; the worker re-reads them just before sending)."""

    delivery_id: str
    tenant_id: str
    endpoint_id: str
    event_type: str
    webhook_id: str
    payload: str
    attempts: int
    claim_token: str
    url: str
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None
