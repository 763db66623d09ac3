"""The `webhooks` section of the public document: one entry per event type a tenant can
subscribe to, with its payload's schema and the Standard Webhooks signature headers.

Derived from the notifier's payload models (`services.notifier.domain.payloads.PAYLOADS`),
the same models every payload it sends is built and tested against: said once, there.
"""

from __future__ import annotations

import re
from typing import Any

from services.notifier.domain.payloads import PAYLOADS
from shared.http.openapi import SCHEMAS

SIGNATURE_HEADERS: list[dict[str, Any]] = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The same on every retry of one event to one endpoint: deduplicate on it",
        "schema": {"type": "string"},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "Unix seconds of this attempt; refuse one far from now (replays)",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": (
            "`v1,<base64>`: HMAC-SHA256 with the endpoint's secret of "
            "`{webhook-id}.{webhook-timestamp}.{body}` (Standard Webhooks); two, space-separated, "
            "during a secret rotation's grace period"
        ),
        "schema": {"type": "string"},
    },
]
_RESPONSES = {
    "2XX": {"description": "Received. Any other answer, or none in 10 s, is retried"},
    "410": {"description": "Gone: the endpoint is disabled at once, nothing more is sent"},
}


def _description(event_type: str) -> str:
    doc = (PAYLOADS[event_type].__doc__ or "").strip()
    return doc.splitlines()[0] if doc else event_type


def webhook_components() -> dict[str, Any]:
    """The payload models' schemas, as components (`PlanGeneratedPayload`, its `data`...)."""
    schemas: dict[str, Any] = {}
    for model in PAYLOADS.values():
        schema = model.model_json_schema(mode="serialization", ref_template=SCHEMAS + "{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def webhooks() -> dict[str, Any]:
    """`webhooks`: per event type, the `POST` SpineFit sends to a subscribed endpoint."""
    section = {}
    for event_type, model in PAYLOADS.items():
        section[event_type] = {
            "post": {
                "operationId": "on_" + re.sub(r"[-.]", "_", event_type),
                "summary": _description(event_type),
                "description": (
                    "Sent to each endpoint subscribed to this type. Verify the signature on "
                    "the raw body before parsing it (docs/webhooks.md)."
                ),
                "tags": ["webhooks"],
                "parameters": SIGNATURE_HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"{SCHEMAS}{model.__name__}"}}
                    },
                },
                "responses": _RESPONSES,
            }
        }
    return section
