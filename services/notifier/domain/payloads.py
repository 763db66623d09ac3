"""Thin webhook payloads: ids, types and links, never health data.

A payload is built from an allow-list per event type, so a field added to an event later
(a pain level, an answer, evidence) never leaks by default: the allow-list is the fields of
the type's payload model (`PAYLOADS`, which also documents the webhooks we send). Details are
fetched through the API with the tenant's key, from the link in `data.links`.

    {"type": "plan-generated", "timestamp": "...",
     "data": {"event_id": "...", "user_id": "u-1", "occurred_at": "...",
              "plan_id": "...", "version": 2, "trigger": "removal",
              "links": {"plan": "https://.../v1/users/u-1/plan"}}}
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import quote

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events.plans import PlanTrigger

TEST_EVENT_TYPE = "webhook.test"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Link = Annotated[str, Field(description="Absolute URL of the resource, read with the API key")]


class EventData(_Body):
    """What every event's payload carries: ids and when, never health data."""

    event_id: uuid.UUID
    user_id: str = Field(description="The tenant's id for its user")
    occurred_at: AwareDatetime


class QuizLinks(_Body):
    quiz: Link


class PlanLinks(_Body):
    plan: Link


class FlaresLinks(_Body):
    flares: Link


class PlanAndFlaresLinks(_Body):
    plan: Link
    flares: Link


class UserReferredData(EventData):
    """Which quiz response; its referral level (how urgent) and its reasons (which red
    flags) are health data and stay behind the API."""

    response_id: uuid.UUID
    links: QuizLinks


class PlanGeneratedData(EventData):
    plan_id: uuid.UUID
    version: int = Field(ge=1)
    trigger: PlanTrigger
    links: PlanLinks


class FlareDetectedData(EventData):
    """Which flare and when; never the pain level or the baseline."""

    flare_id: uuid.UUID
    observed_at: AwareDatetime
    links: FlaresLinks


class ExerciseRemovedData(EventData):
    """Which exercise and which rule; never the evidence."""

    exercise_id: str
    rule: Literal["immediate", "delayed"]
    severity: Literal["suspected", "confirmed"]
    decided_at: AwareDatetime
    links: PlanAndFlaresLinks


class WebhookTestData(_Body):
    endpoint_id: str
    message: str


class _Envelope(_Body):
    timestamp: AwareDatetime = Field(description="When the event occurred")


class UserReferredPayload(_Envelope):
    """Sent when a quiz refers a user to a clinician."""

    type: Literal["user-referred"]
    data: UserReferredData


class PlanGeneratedPayload(_Envelope):
    """Sent when a user's plan gets a new version."""

    type: Literal["plan-generated"]
    data: PlanGeneratedData


class FlareDetectedPayload(_Envelope):
    """Sent when a pain log is a flare."""

    type: Literal["flare-detected"]
    data: FlareDetectedData


class ExerciseRemovedPayload(_Envelope):
    """Sent when an exercise is taken out of a user's plan."""

    type: Literal["exercise-removed"]
    data: ExerciseRemovedData


class WebhookTestPayload(_Body):
    """Sent on request (`POST .../test`), to check a receiver."""

    type: Literal["webhook.test"]
    timestamp: AwareDatetime = Field(description="When the test was asked for")
    data: WebhookTestData


# The payload model of each event type a tenant can receive: the webhooks we send.
PAYLOADS: dict[str, type[BaseModel]] = {
    "user-referred": UserReferredPayload,
    "plan-generated": PlanGeneratedPayload,
    "flare-detected": FlareDetectedPayload,
    "exercise-removed": ExerciseRemovedPayload,
    TEST_EVENT_TYPE: WebhookTestPayload,
}
WebhookPayload = Annotated[
    UserReferredPayload
    | PlanGeneratedPayload
    | FlareDetectedPayload
    | ExerciseRemovedPayload
    | WebhookTestPayload,
    Field(discriminator="type"),
]

ENVELOPE_FIELDS = tuple(EventData.model_fields)
SUBSCRIBABLE_TYPES: tuple[str, ...] = tuple(t for t in PAYLOADS if t != TEST_EVENT_TYPE)


def _field_model(model: type[BaseModel], name: str) -> type[BaseModel]:
    annotation = model.model_fields[name].annotation
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation


def _data_fields(event_type: str) -> tuple[str, ...]:
    return tuple(_field_model(PAYLOADS[event_type], "data").model_fields)


def _link_names(event_type: str) -> tuple[str, ...]:
    return tuple(_field_model(_field_model(PAYLOADS[event_type], "data"), "links").model_fields)


# Per public event type, derived from its payload model: the fields copied besides the
# envelope ids (the allow-list), and the links given.
ALLOWED_FIELDS: dict[str, tuple[str, ...]] = {
    t: tuple(f for f in _data_fields(t) if f not in (*ENVELOPE_FIELDS, "links"))
    for t in SUBSCRIBABLE_TYPES
}
LINK_PATHS = {
    "quiz": "/v1/users/{user_id}/quiz",
    "plan": "/v1/users/{user_id}/plan",
    "flares": "/v1/users/{user_id}/flares",
}
LINKS: dict[str, dict[str, str]] = {
    t: {name: LINK_PATHS[name] for name in _link_names(t)} for t in SUBSCRIBABLE_TYPES
}


def build_payload(event: dict[str, Any], public_base_url: str) -> dict[str, Any]:
    """The payload of one event, given as its JSON dict (`model_dump(mode="json")`)."""
    event_type = event["event_type"]
    data: dict[str, Any] = {k: event[k] for k in ENVELOPE_FIELDS if event.get(k) is not None}
    data.update({k: event[k] for k in ALLOWED_FIELDS[event_type] if k in event})
    user_id = event.get("user_id")
    if user_id:
        base = public_base_url.rstrip("/")
        data["links"] = {
            name: base + path.format(user_id=quote(str(user_id), safe=""))
            for name, path in LINKS[event_type].items()
        }
    return {"type": event_type, "timestamp": event["occurred_at"], "data": data}


def build_test_payload(endpoint_id: str, sent_at: str) -> dict[str, Any]:
    return {
        "type": TEST_EVENT_TYPE,
        "timestamp": sent_at,
        "data": {"endpoint_id": endpoint_id, "message": "a test event from SpineFit"},
    }


def encode(payload: dict[str, Any]) -> str:
    """The exact body sent (and signed), stored once so every retry sends the same bytes."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)
