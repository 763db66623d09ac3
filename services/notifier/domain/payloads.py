"""Thin webhook payloads: ids, types and links, never health data.

A payload is built from an allow-list per event type, so a field added to an event later
(a pain level, an answer, evidence) never leaks by default. Details are fetched through the
API with the tenant's key, from the link in `data.links`.

    {"type": "plan-generated", "timestamp": "...",
     "data": {"event_id": "...", "user_id": "u-1", "occurred_at": "...",
              "plan_id": "...", "version": 2, "trigger": "removal",
              "links": {"plan": "https://.../v1/users/u-1/plan"}}}
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

TEST_EVENT_TYPE = "webhook.test"

# Per public event type: the fields copied besides the envelope ids, and the links given.
# - user-referred: which quiz response; its referral level (how urgent) and its reasons
#   (which red flags) are health data and stay behind the API.
# - flare-detected: which flare and when; never the pain level or the baseline.
# - exercise-removed: which exercise and which rule; never the evidence.
ALLOWED_FIELDS: dict[str, tuple[str, ...]] = {
    "user-referred": ("response_id",),
    "plan-generated": ("plan_id", "version", "trigger"),
    "flare-detected": ("flare_id", "observed_at"),
    "exercise-removed": ("exercise_id", "rule", "severity", "decided_at"),
}
LINKS: dict[str, dict[str, str]] = {
    "user-referred": {"quiz": "/v1/users/{user_id}/quiz"},
    "plan-generated": {"plan": "/v1/users/{user_id}/plan"},
    "flare-detected": {"flares": "/v1/users/{user_id}/flares"},
    "exercise-removed": {
        "plan": "/v1/users/{user_id}/plan",
        "flares": "/v1/users/{user_id}/flares",
    },
}
ENVELOPE_FIELDS = ("event_id", "user_id", "occurred_at")
SUBSCRIBABLE_TYPES: tuple[str, ...] = tuple(ALLOWED_FIELDS)


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
