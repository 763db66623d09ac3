"""The `webhooks` section of the public document: one entry per event type a tenant can
subscribe to, with its payload's schema and the Standard Webhooks signature headers.

Derived from what decides a payload (`services/notifier/domain/payloads.py`: the envelope
fields, each type's allow-list of fields and its links) and from the event models in
`shared.events` those fields are copied from, so a field's schema is said once, on its event.
The test event (`webhook.test`) is built by hand there, and here.
"""

from __future__ import annotations

import re
from typing import Any

from services.notifier.domain.payloads import (
    ALLOWED_FIELDS,
    ENVELOPE_FIELDS,
    LINKS,
    SUBSCRIBABLE_TYPES,
    TEST_EVENT_TYPE,
)
from shared.events import CATALOGUE
from shared.http.openapi import SCHEMAS, refs

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


def _name(event_type: str) -> str:
    """`plan-generated` -> `PlanGenerated`."""
    return "".join(part.capitalize() for part in re.split(r"[-._]", event_type))


def _data_schema(event_type: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema of one type's `data`, and the event's schemas it refers to."""
    model = CATALOGUE[event_type]
    schema = model.model_json_schema(mode="serialization", ref_template=SCHEMAS + "{model}")
    fields = [*ENVELOPE_FIELDS, *ALLOWED_FIELDS[event_type]]
    properties = {name: schema["properties"][name] for name in fields}
    # An envelope field is left out when it is null; the allowed fields are always there.
    required = [
        name
        for name in fields
        if name in ALLOWED_FIELDS[event_type] or model.model_fields[name].default is not None
    ]
    links = LINKS[event_type]
    properties["links"] = {
        "type": "object",
        "description": "Where to fetch the details, with the tenant's API key",
        "properties": {name: {"type": "string", "format": "uri"} for name in links},
        "required": list(links),
    }
    required.append("links")
    data = {
        "type": "object",
        "title": f"{_name(event_type)}Data",
        "properties": properties,
        "required": required,
    }
    return data, _referenced(properties, schema.get("$defs", {}))


def _referenced(node: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The schemas of `defs` that `node` refers to, directly or through one another."""
    found: dict[str, Any] = {}
    pending = [node]
    while pending:
        for ref in refs(pending.pop()):
            name = ref.removeprefix(SCHEMAS)
            if name in defs and name not in found:
                found[name] = defs[name]
                pending.append(defs[name])
    return found


def _payload(event_type: str, data_ref: str, description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "title": f"{_name(event_type)}Webhook",
        "description": description,
        "properties": {
            "type": {"type": "string", "const": event_type},
            "timestamp": {"type": "string", "format": "date-time"},
            "data": {"$ref": data_ref},
        },
        "required": ["type", "timestamp", "data"],
    }


def _descriptions() -> dict[str, str]:
    found = {}
    for event_type in SUBSCRIBABLE_TYPES:
        doc = (CATALOGUE[event_type].__doc__ or "").strip()
        found[event_type] = doc.splitlines()[0] if doc else event_type
    found[TEST_EVENT_TYPE] = "A test delivery, sent on `POST .../endpoints/{endpoint_id}/test`"
    return found


def webhook_components() -> dict[str, Any]:
    """The payload schemas, as components (`PlanGeneratedWebhook`, `PlanGeneratedData`...)."""
    schemas: dict[str, Any] = {}
    descriptions = _descriptions()
    for event_type in SUBSCRIBABLE_TYPES:
        data, defs = _data_schema(event_type)
        schemas.update(defs)
        name = _name(event_type)
        schemas[f"{name}Data"] = data
        schemas[f"{name}Webhook"] = _payload(
            event_type, f"{SCHEMAS}{name}Data", descriptions[event_type]
        )
    test = _name(TEST_EVENT_TYPE)
    schemas[f"{test}Data"] = {
        "type": "object",
        "title": f"{test}Data",
        "properties": {
            "endpoint_id": {"type": "string"},
            "message": {"type": "string"},
        },
        "required": ["endpoint_id", "message"],
    }
    schemas[f"{test}Webhook"] = _payload(
        TEST_EVENT_TYPE, f"{SCHEMAS}{test}Data", descriptions[TEST_EVENT_TYPE]
    )
    return schemas


def webhooks() -> dict[str, Any]:
    """`webhooks`: per event type, the `POST` SpineFit sends to a subscribed endpoint."""
    descriptions = _descriptions()
    section = {}
    for event_type in (*SUBSCRIBABLE_TYPES, TEST_EVENT_TYPE):
        name = _name(event_type)
        section[event_type] = {
            "post": {
                "operationId": "on_" + re.sub(r"[-.]", "_", event_type),
                "summary": descriptions[event_type],
                "description": (
                    "Sent to each endpoint subscribed to this type. Verify the signature on "
                    "the raw body before parsing it (docs/webhooks.md)."
                ),
                "tags": ["webhooks"],
                "parameters": SIGNATURE_HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"{SCHEMAS}{name}Webhook"}}
                    },
                },
                "responses": _RESPONSES,
            }
        }
    return section
