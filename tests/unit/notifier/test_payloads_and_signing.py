"""Thin payloads carry ids and links, never health data; signatures verify with the
Standard Webhooks library, with either secret during a rotation."""

from __future__ import annotations

import base64
import json
import os
import uuid

import pytest
from pydantic import TypeAdapter, ValidationError
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.notifier.domain.payloads import (
    PAYLOADS,
    SUBSCRIBABLE_TYPES,
    TEST_EVENT_TYPE,
    WebhookPayload,
    build_payload,
    build_test_payload,
    encode,
)
from services.notifier.domain.signing import format_secret, signature_headers, webhook_id
from shared.events import PUBLIC_EVENT_TYPES
from shared.events.base import utc_now
from tests.factories.notifier import SECRET_NOTE, every_public_event, flare_detected

BASE = "https://api.spinefit.test"
HEALTH_KEYS = {"level", "baseline", "spread_further", "evidence", "reasons", "answers", "log_id"}


def test_every_public_event_type_has_a_payload_and_nothing_else_does() -> None:
    assert set(SUBSCRIBABLE_TYPES) == set(PUBLIC_EVENT_TYPES)


@pytest.mark.parametrize("event", every_public_event("tn_1", "pt:17"), ids=lambda e: e.TYPE)
def test_payloads_hold_ids_and_links_but_no_health_data(event: object) -> None:
    data = event.model_dump(mode="json")  # type: ignore[attr-defined]
    payload = build_payload(data, BASE)
    body = encode(payload)
    assert payload["type"] == data["event_type"]
    assert payload["data"]["event_id"] == data["event_id"]
    assert payload["data"]["user_id"] == "pt:17"
    for link in payload["data"]["links"].values():
        assert link.startswith(f"{BASE}/v1/users/pt%3A17/")
    assert SECRET_NOTE not in body
    assert "pain-report-secret" not in body
    assert "log-private-1" not in body
    assert not HEALTH_KEYS & set(payload["data"])
    assert "emergency" not in body  # the referral level says how ill: behind the API too


@pytest.mark.parametrize("event", every_public_event("tn_1", "pt:17"), ids=lambda e: e.TYPE)
def test_every_payload_sent_is_exactly_its_types_model(event: object) -> None:
    """The models document the webhooks we send: a body with a field more or less than its
    model says fails here (they forbid unknown fields)."""
    data = event.model_dump(mode="json")  # type: ignore[attr-defined]
    body = encode(build_payload(data, BASE))
    model = PAYLOADS[data["event_type"]]
    assert model.model_validate_json(body).model_dump(mode="json") == json.loads(body)
    assert type(TypeAdapter(WebhookPayload).validate_json(body)) is model


def test_the_test_event_is_its_model_and_every_model_has_a_schema() -> None:
    body = encode(build_test_payload("ep_1", utc_now().isoformat()))
    PAYLOADS[TEST_EVENT_TYPE].model_validate_json(body)
    assert set(PAYLOADS) == {*SUBSCRIBABLE_TYPES, TEST_EVENT_TYPE}
    for event_type, model in PAYLOADS.items():
        schema = model.model_json_schema()
        assert schema["properties"]["type"]["const"] == event_type
        assert schema["additionalProperties"] is False
    with pytest.raises(ValidationError):
        PAYLOADS["flare-detected"].model_validate(
            {**build_payload(flare_detected("tn_1").model_dump(mode="json"), BASE), "x": 1}
        )


def test_flare_payload_is_exactly_its_allow_list() -> None:
    data = flare_detected("tn_1").model_dump(mode="json")
    payload = build_payload(data, BASE)
    assert set(payload["data"]) == {
        "event_id",
        "user_id",
        "occurred_at",
        "flare_id",
        "observed_at",
        "links",
    }


def test_a_field_added_to_an_event_later_does_not_leak() -> None:
    data = {**flare_detected("tn_1").model_dump(mode="json"), "pain_qualities": ["burning"]}
    assert "burning" not in encode(build_payload(data, BASE))


def test_signature_verifies_with_the_reference_verifier() -> None:
    secret = format_secret(os.urandom(32))
    body = encode({"type": "t", "data": {"x": 1}})
    headers = signature_headers("msg_1", utc_now(), body, [secret])
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("1", "2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(format_secret(os.urandom(32))).verify(body, headers)


def test_during_a_rotation_either_secret_verifies() -> None:
    old, new = format_secret(os.urandom(32)), format_secret(os.urandom(32))
    body = encode({"type": "t"})
    headers = signature_headers("msg_2", utc_now(), body, [new, old])
    assert headers["webhook-signature"].count("v1,") == 2
    Webhook(old).verify(body, headers)
    Webhook(new).verify(body, headers)


def test_secrets_are_whsec_base64_of_enough_random_bytes() -> None:
    secret = format_secret(os.urandom(32))
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    with pytest.raises(ValueError):
        format_secret(b"short")


def test_webhook_id_is_stable_per_event_and_endpoint() -> None:
    event_id = uuid.uuid4()
    assert webhook_id(event_id, "ep_a") == webhook_id(event_id, "ep_a")
    assert webhook_id(event_id, "ep_a") != webhook_id(event_id, "ep_b")
    assert webhook_id(event_id, "ep_a").startswith("msg_")
