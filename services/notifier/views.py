"""What the notifier's API reads and answers, one home for its schemas: the request bodies,
each answer built from records (an endpoint never shows its secret, except in the answer that
made it, once), and the cursors of its lists.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from services.notifier.domain.addresses import MAX_URL_LENGTH
from services.notifier.domain.payloads import SUBSCRIBABLE_TYPES
from services.notifier.domain.records import (
    Attempt,
    Delivery,
    DeliveryHistory,
    Endpoint,
    PageKey,
)
from shared.events.base import LineText, PlainText
from shared.http.pagination import decode_cursor

SECRET_SHOWN_ONCE = "shown once, in the first answer; rotate the secret if it was lost"  # noqa: S105
DeliveryStatus = Literal["pending", "succeeded", "failed"]

# Requests -------------------------------------------------------------------------------


def _known_types(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = sorted(set(value) - set(SUBSCRIBABLE_TYPES))
    if unknown:
        raise ValueError(f"unknown event types {unknown}; choose from {list(SUBSCRIBABLE_TYPES)}")
    return sorted(set(value))


class NewEndpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: LineText = Field(
        min_length=1, max_length=MAX_URL_LENGTH, description="https URL to POST to"
    )
    event_types: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=len(SUBSCRIBABLE_TYPES),
        description="Event types to receive; every public type when omitted",
    )
    description: PlainText = Field(default="", max_length=500)

    _types = field_validator("event_types")(_known_types)


class EndpointChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: LineText | None = Field(default=None, min_length=1, max_length=MAX_URL_LENGTH)
    event_types: list[str] | None = Field(
        default=None, min_length=1, max_length=len(SUBSCRIBABLE_TYPES)
    )
    description: PlainText | None = Field(default=None, max_length=500)
    enabled: bool | None = None

    _types = field_validator("event_types")(_known_types)


# Answers --------------------------------------------------------------------------------


class _Answer(BaseModel):
    model_config = ConfigDict(frozen=True)


class SubscribableEventTypes(_Answer):
    event_types: list[str] = Field(description="The types an endpoint can subscribe to")


class EndpointView(_Answer):
    """An endpoint, without its secret."""

    endpoint_id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None = Field(description="Why it is off: by the tenant, or why")
    disabled_at: AwareDatetime | None
    failing_since: AwareDatetime | None = Field(
        description="Start of the current run of failed attempts; null after any success"
    )
    previous_secret_expires_at: AwareDatetime | None = Field(
        description="Until when the secret before the last rotation still signs"
    )
    created_at: AwareDatetime
    updated_at: AwareDatetime


class EndpointCreated(EndpointView):
    """A new endpoint with its signing secret: in this answer only."""

    secret: str | None = Field(
        description="The signing secret (`whsec_...`); null when the answer is replayed"
    )
    note: str | None = Field(default=None, description="Said when the secret is not shown")


class SecretRotated(_Answer):
    endpoint_id: str
    secret: str | None = Field(
        description="The new signing secret; null when the answer is replayed"
    )
    previous_secret_expires_at: AwareDatetime = Field(
        description="Until when the secret before this one still signs"
    )
    note: str | None = Field(default=None, description="Said when the secret is not shown")


class DeliveryQueued(_Answer):
    """A delivery due now (a test event, a retry): see it under the endpoint's deliveries."""

    delivery_id: str
    webhook_id: str = Field(description="The `webhook-id` header it is sent with")
    status: Literal["pending"]


class AttemptView(_Answer):
    attempted_at: AwareDatetime
    status_code: int | None = Field(description="The receiver's answer; null when none came")
    latency_ms: int
    error: str | None = Field(description="timeout, connect_error, address_refused, ...")
    outcome: Literal["succeeded", "retry", "failed", "gone"]


class DeliveryView(_Answer):
    """One event (or test) to one endpoint, with every attempt so far."""

    delivery_id: str
    endpoint_id: str
    event_id: uuid.UUID | None = Field(description="The event; null for a test event")
    event_type: str
    webhook_id: str
    status: DeliveryStatus
    attempt_count: int
    next_attempt_at: AwareDatetime | None = Field(description="When pending: the next try")
    last_status_code: int | None
    last_error: str | None
    created_at: AwareDatetime
    completed_at: AwareDatetime | None
    attempts: list[AttemptView]


def event_types() -> SubscribableEventTypes:
    return SubscribableEventTypes(event_types=list(SUBSCRIBABLE_TYPES))


def endpoint_view(e: Endpoint) -> EndpointView:
    return EndpointView(
        endpoint_id=e.endpoint_id,
        url=e.url,
        description=e.description,
        event_types=e.event_types,
        enabled=e.enabled,
        disabled_reason=e.disabled_reason,
        disabled_at=e.disabled_at,
        failing_since=e.failing_since,
        previous_secret_expires_at=e.previous_secret_expires_at,
        created_at=e.created_at,
        updated_at=e.updated_at,
    )


def endpoint_created(e: Endpoint) -> EndpointCreated:
    # The only answer that ever shows the secret.
    return EndpointCreated(**endpoint_view(e).model_dump(), secret=e.secret)


def secret_rotated(e: Endpoint) -> SecretRotated:
    assert e.previous_secret_expires_at is not None
    return SecretRotated(
        endpoint_id=e.endpoint_id,
        secret=e.secret,
        previous_secret_expires_at=e.previous_secret_expires_at,
    )


def without_secret(answer: dict[str, object]) -> dict[str, object]:
    """The stored copy of an answer that showed a secret (its replay shows none)."""
    return {**answer, "secret": None, "note": SECRET_SHOWN_ONCE}


def queued(d: Delivery) -> DeliveryQueued:
    return DeliveryQueued(delivery_id=d.delivery_id, webhook_id=d.webhook_id, status="pending")


def _attempt_view(a: Attempt) -> AttemptView:
    return AttemptView.model_validate(
        {
            "attempted_at": a.attempted_at,
            "status_code": a.status_code,
            "latency_ms": a.latency_ms,
            "error": a.error,
            "outcome": a.outcome,
        }
    )


def delivery_view(history: DeliveryHistory) -> DeliveryView:
    d = history.delivery
    return DeliveryView.model_validate(
        {
            "delivery_id": d.delivery_id,
            "endpoint_id": d.endpoint_id,
            "event_id": d.event_id,
            "event_type": d.event_type,
            "webhook_id": d.webhook_id,
            "status": d.status,
            "attempt_count": d.attempts,
            "next_attempt_at": d.next_attempt_at if d.status == "pending" else None,
            "last_status_code": d.last_status_code,
            "last_error": d.last_error,
            "created_at": d.created_at,
            "completed_at": d.completed_at,
            "attempts": [_attempt_view(a) for a in history.attempts],
        }
    )


# Cursors ---------------------------------------------------------------------------------

ENDPOINTS_LIST = "endpoints"


def deliveries_list(endpoint_id: str) -> str:
    # A cursor belongs to one endpoint's list: used on another one's it is refused.
    return f"deliveries:{endpoint_id}"


def page_start(cursor: str | None, scope: str, tenant_id: str) -> PageKey | None:
    """The key a page starts after; a 400 naming `query.cursor` for a cursor that is not
    one of this list's, or holds what no key of it does (one made by hand)."""
    key = decode_cursor(cursor, scope, tenant_id, (datetime, str))
    return None if key is None else (key[0], key[1])


def endpoint_key(view: EndpointView) -> PageKey:
    """The cursor key of an endpoint in its list (as `store.endpoints.LIST_KEY`)."""
    return (view.created_at, view.endpoint_id)


def delivery_key(view: DeliveryView) -> PageKey:
    """The cursor key of a delivery in its list (as `store.deliveries.LIST_KEY`)."""
    return (view.created_at, view.delivery_id)
