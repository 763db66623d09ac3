"""The endpoints API: validation, list/get/update/delete, secrets shown once, rotation with a
grace period, test events, and the address policy in production settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from standardwebhooks import Webhook

from tests.support.notifier import Receiver, deliveries, notifier_apps, receivers, register
from tests.support.settings import OPERATOR_TOKEN
from tests.support.stack import Stack, bearer, stack
from tests.support.waiting import eventually

ENDPOINTS = "/v1/webhooks/endpoints"


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    apps = notifier_apps(redis_url, database_url, prefix)
    async with stack(apps) as running:
        yield running


async def _key(s: Stack) -> str:
    key: str = (await s.create_tenant())["api_key"]["key"]
    return key


async def _value(v: Any) -> Any:
    return v


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"url": "ftp://example.com/hook"}, "url"),
    ({"url": "http://example.com/hook"}, "url"),  # http only for localhost
    ({"url": "http://10.0.0.1/hook"}, "url"),
    ({"url": "http://169.254.169.254/latest/meta-data"}, "url"),
    ({"url": "https://[::ffff:10.0.0.1]/hook"}, "url"),
    # Resolves to loopback (allowed here), but the HTTP client cannot parse it: refused now,
    # not failed on every attempt later.
    ({"url": "https://127.000.000.001:9/hook"}, "url"),
    ({"url": "http://127.0.0.1:9/ho\tok"}, "url"),
    ({"url": "http://127.0.0.1/hook", "event_types": ["pain-logged"]}, "event_types"),
    ({"url": "http://127.0.0.1/hook", "event_types": []}, "event_types"),
    ({"url": "http://127.0.0.1/hook", "description": "x" * 501}, "description"),
    ({"url": "http://127.0.0.1/hook", "secret": "mine"}, "secret"),
    # PostgreSQL cannot store a NUL in text: a 422 on both databases, not a 500 on one.
    ({"url": "http://127.0.0.1/hook", "description": "front\u0000desk"}, "description"),
    ({"url": "http://127.0.0.1/ho\u0000ok"}, "url"),
    # C1 controls and bidirectional overrides (text that reads other than it is), anywhere.
    ({"url": "http://127.0.0.1/hook", "description": "a\u0085b"}, "description"),
    ({"url": "http://127.0.0.1/hook", "description": "invoice \u202egpj.exe"}, "description"),
    ({"url": "http://127.0.0.1/hook", "description": "isolated \u2066x\u2069"}, "description"),
    ({"url": "http://127.0.0.1/hook\r\nX-Injected: 1"}, "url"),
    ({}, "url"),
]


async def test_bad_endpoints_get_422_naming_the_field_and_nothing_is_stored(
    services: Stack,
) -> None:
    key = await _key(services)
    notifier = services.clients["notifier"]
    for body, field in BAD_BODIES:
        response = await notifier.post(ENDPOINTS, json=body, headers=bearer(key))
        assert response.status_code == 422, (body, response.text)
        assert field in {f["field"] for f in response.json()["errors"]}, body
    listed = await notifier.get(ENDPOINTS, headers=bearer(key))
    assert listed.json() == {"items": [], "next_cursor": None}


async def test_nul_in_free_text_is_a_422_naming_the_field_on_every_database(
    services: Stack,
) -> None:
    """A tenant's name (one line: no line breaks either) and an endpoint's new description:
    refused, nothing changed."""
    tenants = services.clients["tenants"]
    operator = bearer(OPERATOR_TOKEN)
    before = (await tenants.get("/admin/v1/tenants", headers=operator)).json()
    for name in (
        "Cl\u0000inic",
        "Clinic\r\nlevel=error forged line",
        "Clinic\u2028two",
        "C\u009bl",
    ):
        answer = await tenants.post("/admin/v1/tenants", json={"name": name}, headers=operator)
        assert answer.status_code == 422, answer.text
        assert "name" in {f["field"] for f in answer.json()["errors"]}
    assert (await tenants.get("/admin/v1/tenants", headers=operator)).json() == before
    key = await _key(services)
    notifier = services.clients["notifier"]
    made = await notifier.post(
        ENDPOINTS,
        json={"url": "http://127.0.0.1:9/hook", "description": "desk"},
        headers=bearer(key),
    )
    assert made.status_code == 201, made.text
    url = f"{ENDPOINTS}/{made.json()['endpoint_id']}"
    changed = await notifier.patch(url, json={"description": "a\u0000b"}, headers=bearer(key))
    assert changed.status_code == 422, changed.text
    assert "description" in {f["field"] for f in changed.json()["errors"]}
    assert (await notifier.get(url, headers=bearer(key))).json()["description"] == "desk"


async def test_endpoint_lifecycle_list_get_update_delete(services: Stack) -> None:
    key = await _key(services)
    notifier = services.clients["notifier"]
    created = await register(
        notifier, key, "http://127.0.0.1:9/hook", event_types=["plan-generated"], description="EHR"
    )
    assert created["event_types"] == ["plan-generated"] and created["enabled"] is True
    path = f"{ENDPOINTS}/{created['endpoint_id']}"
    every = await register(notifier, key, "http://localhost:9/other")
    assert set(every["event_types"]) == {
        "user-referred",
        "plan-generated",
        "flare-detected",
        "exercise-removed",
    }

    listed = (await notifier.get(ENDPOINTS, headers=bearer(key))).json()["items"]
    assert [e["endpoint_id"] for e in listed] == [created["endpoint_id"], every["endpoint_id"]]
    fetched = (await notifier.get(path, headers=bearer(key))).json()
    assert fetched["description"] == "EHR"
    # The secret is never shown again.
    assert "secret" not in fetched and created["secret"] not in str(listed)

    changed = await notifier.patch(
        path,
        json={"event_types": ["flare-detected", "exercise-removed"], "enabled": False},
        headers=bearer(key),
    )
    assert changed.status_code == 200
    assert changed.json()["event_types"] == ["exercise-removed", "flare-detected"]
    assert changed.json()["enabled"] is False
    assert changed.json()["disabled_reason"] == "disabled by the tenant"
    bad = await notifier.patch(path, json={"url": "http://10.1.1.1/"}, headers=bearer(key))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "url"

    assert (await notifier.delete(path, headers=bearer(key))).status_code == 204
    assert (await notifier.get(path, headers=bearer(key))).status_code == 404
    assert (await notifier.delete(path, headers=bearer(key))).status_code == 404


async def test_replayed_creation_returns_the_same_endpoint_without_its_secret(
    services: Stack,
) -> None:
    key = await _key(services)
    notifier = services.clients["notifier"]
    headers = {**bearer(key), "Idempotency-Key": "create-1"}
    body = {"url": "http://127.0.0.1:9/hook"}
    first = await notifier.post(ENDPOINTS, json=body, headers=headers)
    again = await notifier.post(ENDPOINTS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["endpoint_id"] == first.json()["endpoint_id"]
    assert first.json()["secret"].startswith("whsec_") and again.json()["secret"] is None
    assert len((await notifier.get(ENDPOINTS, headers=bearer(key))).json()["items"]) == 1


async def test_test_event_is_delivered_and_after_rotation_both_secrets_verify(
    services: Stack,
) -> None:
    with receivers(Receiver()) as (receiver,):
        key = await _key(services)
        notifier = services.clients["notifier"]
        endpoint = await register(notifier, key, receiver.url)
        path = f"{ENDPOINTS}/{endpoint['endpoint_id']}"
        rotated = await notifier.post(f"{path}/rotate-secret", headers=bearer(key))
        assert rotated.status_code == 200
        new_secret = rotated.json()["secret"]
        assert new_secret.startswith("whsec_") and new_secret != endpoint["secret"]

        sent = await notifier.post(f"{path}/test", headers=bearer(key))
        assert sent.status_code == 202
        await eventually(lambda: _value(receiver.received))
        [delivery] = await eventually(lambda: _delivered(notifier, key, endpoint["endpoint_id"]))
    got = receiver.received[0]
    assert got.headers["webhook-id"] == sent.json()["webhook_id"] == delivery["webhook_id"]
    assert delivery["event_type"] == "webhook.test"
    for secret in (endpoint["secret"], new_secret):
        assert Webhook(secret).verify(got.body, got.headers)["type"] == "webhook.test"


async def _delivered(client: Any, key: str, endpoint_id: str) -> Any:
    found = await deliveries(client, key, endpoint_id)
    return found if found and found[0]["status"] == "succeeded" else None


async def test_after_the_grace_period_only_the_new_secret_signs(
    redis_url: str, database_url: str, prefix: str
) -> None:
    apps = notifier_apps(redis_url, database_url, prefix, webhook_secret_grace_s=0)
    with receivers(Receiver()) as (receiver,):
        async with stack(apps) as s:
            key = await _key(s)
            notifier = s.clients["notifier"]
            endpoint = await register(notifier, key, receiver.url)
            path = f"{ENDPOINTS}/{endpoint['endpoint_id']}"
            new_secret = (await notifier.post(f"{path}/rotate-secret", headers=bearer(key))).json()[
                "secret"
            ]
            await notifier.post(f"{path}/test", headers=bearer(key))
            await eventually(lambda: _value(receiver.received))
    got = receiver.received[0]
    assert got.headers["webhook-signature"].count("v1,") == 1
    Webhook(new_secret).verify(got.body, got.headers)
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(endpoint["secret"]).verify(got.body, got.headers)


PRODUCTION_REFUSED = [
    "http://169.254.169.254/",
    "http://10.0.0.1/",
    "https://10.0.0.1/",
    "https://localhost/hook",  # a name resolving to loopback
    "http://127.0.0.1:8000/hook",
    "https://[::1]/hook",
    # Names the system resolver reads as loopback / metadata addresses.
    "https://2130706433/hook",
    "https://0x7f.1/hook",
    "https://2852039166/latest/meta-data",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[fd00:ec2::254]/",
    "https://100.64.0.1/",
]


# Production settings refuse SQLite, so this runs on PostgreSQL only.
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_production_settings_refuse_private_metadata_and_loopback_urls(
    redis_url: str, database_url: str, prefix: str
) -> None:
    apps = notifier_apps(
        redis_url, database_url, prefix, env="production", allow_loopback_webhooks=False
    )
    async with stack(apps) as s:
        key = await _key(s)
        for url in PRODUCTION_REFUSED:
            response = await s.clients["notifier"].post(
                ENDPOINTS, json={"url": url}, headers=bearer(key)
            )
            assert response.status_code == 422, url
            assert response.json()["errors"][0]["field"] == "url"
            assert (
                "refused" in response.json()["errors"][0]["message"]
                or "https" in (response.json()["errors"][0]["message"])
            )
        listed = await s.clients["notifier"].get(ENDPOINTS, headers=bearer(key))
        assert listed.json() == {"items": [], "next_cursor": None}


async def test_readiness_reports_a_stopped_delivery_worker(services: Stack) -> None:
    notifier = services.clients["notifier"]
    assert (await notifier.get("/readyz")).status_code == 200
    worker = services.apps["notifier"].state.background_tasks["delivery_worker"]
    worker.cancel()
    await eventually(lambda: _value(worker.done()))
    response = await notifier.get("/readyz")
    assert response.status_code == 503
    assert "background task stopped: delivery_worker" in response.json()["problems"]


async def test_replayed_test_event_and_rotation_act_once(services: Stack) -> None:
    key = await _key(services)
    notifier = services.clients["notifier"]
    endpoint = await register(notifier, key, "http://127.0.0.1:9/hook")
    path = f"{ENDPOINTS}/{endpoint['endpoint_id']}"
    test_once = {**bearer(key), "Idempotency-Key": "test-1"}
    first = await notifier.post(f"{path}/test", headers=test_once)
    again = await notifier.post(f"{path}/test", headers=test_once)
    assert first.status_code == again.status_code == 202
    assert again.json()["delivery_id"] == first.json()["delivery_id"]
    assert len(await deliveries(notifier, key, endpoint["endpoint_id"])) == 1

    rotate_once = {**bearer(key), "Idempotency-Key": "rotate-1"}
    rotated = await notifier.post(f"{path}/rotate-secret", headers=rotate_once)
    replay = await notifier.post(f"{path}/rotate-secret", headers=rotate_once)
    assert rotated.json()["secret"].startswith("whsec_") and replay.json()["secret"] is None
    assert (
        replay.json()["previous_secret_expires_at"]
        == (rotated.json()["previous_secret_expires_at"])
    )
    # Rotated once: the first secret is still the one in its grace period.
    fetched = (await notifier.get(path, headers=bearer(key))).json()
    assert fetched["previous_secret_expires_at"] == rotated.json()["previous_secret_expires_at"]


async def test_a_tenant_has_at_most_the_configured_number_of_endpoints(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """A create beyond the cap is a 409 naming it and stores nothing; another tenant has its
    own; deleting one makes room."""
    apps = notifier_apps(redis_url, database_url, prefix, webhook_max_endpoints=2)
    async with stack(apps) as s:
        key, other = await _key(s), await _key(s)
        notifier = s.clients["notifier"]
        body = {"url": "http://127.0.0.1:9/hook"}
        made = [await notifier.post(ENDPOINTS, json=body, headers=bearer(key)) for _ in range(3)]
        assert [m.status_code for m in made] == [201, 201, 409], made[-1].text
        assert made[-1].json()["type"] == "/problems/limit-reached"
        assert made[-1].json()["detail"].startswith("endpoints:")
        listed = (await notifier.get(ENDPOINTS, headers=bearer(key))).json()["items"]
        assert len(listed) == 2
        assert (await notifier.post(ENDPOINTS, json=body, headers=bearer(other))).status_code == 201
        first = made[0].json()["endpoint_id"]
        deleted = await notifier.delete(f"{ENDPOINTS}/{first}", headers=bearer(key))
        assert deleted.status_code == 204, deleted.text
        assert (await notifier.post(ENDPOINTS, json=body, headers=bearer(key))).status_code == 201


async def test_test_events_are_rate_limited_per_endpoint_with_retry_after(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """Each test makes us send a signed request: past the limit a 429 with Retry-After and
    the RateLimit headers, for that endpoint only (counted in Redis, shared by replicas)."""
    apps = notifier_apps(redis_url, database_url, prefix, webhook_test_limit="2/minute")
    async with stack(apps) as s:
        key = await _key(s)
        notifier = s.clients["notifier"]
        body = {"url": "http://127.0.0.1:9/hook"}
        one, two = [
            (await notifier.post(ENDPOINTS, json=body, headers=bearer(key))).json()["endpoint_id"]
            for _ in range(2)
        ]
        sent = [
            await notifier.post(f"{ENDPOINTS}/{one}/test", headers=bearer(key)) for _ in range(3)
        ]
        assert [r.status_code for r in sent] == [202, 202, 429], sent[-1].text
        refused = sent[-1]
        assert refused.json()["type"] == "/problems/rate-limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.headers["RateLimit-Limit"] == "2"
        assert refused.headers["RateLimit-Remaining"] == "0"
        other = await notifier.post(f"{ENDPOINTS}/{two}/test", headers=bearer(key))
        assert other.status_code == 202, other.text
        listed = await deliveries(notifier, key, one)
        assert len(listed) == 2  # the refused test sent nothing
