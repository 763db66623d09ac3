"""The AsyncAPI 3 document of the event catalogue, generated from the pydantic models.

`make asyncapi` writes it to `docs/asyncapi.json`; every service serves it at
`/asyncapi.json`. Who emits and who consumes each stream is the table of DESIGN.md.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.events import CATALOGUE
from shared.events.streams import DLQ_SUFFIX, PRIORITY_LANE, lane_name

EMITTED_BY: dict[str, str] = {
    "tenant-key-issued": "tenants",
    "tenant-key-revoked": "tenants",
    "quiz-completed": "quiz",
    "user-referred": "quiz",
    "plan-generated": "planner",
    "session-done": "painlog",
    "pain-logged": "painlog",
    "flare-detected": "flare_detector",
    "exercise-removed": "flare_detector",
}
ALL_SERVICES = ("quiz", "planner", "painlog", "flare_detector", "notifier")
CONSUMED_BY: dict[str, tuple[str, ...]] = {
    "tenant-key-issued": ALL_SERVICES,
    "tenant-key-revoked": ALL_SERVICES,
    "quiz-completed": ("planner", "flare_detector"),
    "session-done": ("flare_detector",),
    "pain-logged": ("flare_detector",),
    "exercise-removed": ("planner", "painlog", "notifier"),
    "user-referred": ("planner", "notifier"),
    "plan-generated": ("notifier",),
    "flare-detected": ("painlog", "notifier"),
}

# Urgent events (rule one) are also relayed to `<stream>.priority`; these groups read it with
# a reader of its own, so rule one never waits behind the main stream's backlog.
PRIORITY_CONSUMED_BY: dict[str, tuple[str, ...]] = {
    "session-done": ("flare_detector",),
    "pain-logged": ("flare_detector",),
    "exercise-removed": ("planner",),
}


def consumed_streams(service: str) -> set[str]:
    """Every stream (without the deployment prefix) that `service`'s group reads."""
    return {t for t, groups in CONSUMED_BY.items() if service in groups} | {
        lane_name(t, PRIORITY_LANE)
        for t, groups in PRIORITY_CONSUMED_BY.items()
        if service in groups
    }


def _message_name(event_type: str) -> str:
    return CATALOGUE[event_type].__name__


def build_asyncapi() -> dict[str, Any]:
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (cls, "serialization") for cls in CATALOGUE.values()
    ]
    _, schema = models_json_schema(models, ref_template="#/components/schemas/{model}")
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, cls in CATALOGUE.items():
        name = _message_name(event_type)
        messages[name] = {
            "name": event_type,
            "title": name,
            "summary": (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else name,
            "contentType": "application/json",
            "payload": {"$ref": f"#/components/schemas/{name}"},
        }
        channel_id = event_type
        channels[channel_id] = {
            "address": event_type,
            "description": f"Redis stream `<prefix>{event_type}`; dead letters go to "
            f"`<prefix>{event_type}{DLQ_SUFFIX}`.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        ref = {"$ref": f"#/channels/{channel_id}"}
        operations[f"{EMITTED_BY[event_type]}.send.{event_type}"] = {
            "action": "send",
            "channel": ref,
        }
        for consumer in CONSUMED_BY.get(event_type, ()):
            operations[f"{consumer}.receive.{event_type}"] = {
                "action": "receive",
                "channel": ref,
                "description": f"consumer group `{consumer}`",
            }
        if event_type in PRIORITY_CONSUMED_BY:
            lane = lane_name(event_type, PRIORITY_LANE)
            channels[lane] = {
                "address": lane,
                "description": f"Redis stream `<prefix>{lane}`: a copy of each urgent "
                f"`{event_type}` (rule-one pain), same event_id, read ahead of any backlog; "
                f"dead letters go to `<prefix>{lane}{DLQ_SUFFIX}`.",
                "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            }
            for consumer in PRIORITY_CONSUMED_BY[event_type]:
                operations[f"{consumer}.receive.{lane}"] = {
                    "action": "receive",
                    "channel": {"$ref": f"#/channels/{lane}"},
                    "description": f"consumer group `{consumer}`, priority reader",
                }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "SpineFit events",
            "version": "1",
            "description": "Every event carries the envelope event_id, event_type, "
            "schema_version, tenant_id, user_id, occurred_at, emitted_at, correlation_id.",
        },
        "defaultContentType": "application/json",
        "servers": {"redis": {"host": "127.0.0.1:6379", "protocol": "redis"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schema.get("$defs", {})},
    }


if __name__ == "__main__":
    json.dump(build_asyncapi(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
