"""Review findings on webhook delivery: each test fails on the current code and passes once
the defect it names is fixed. Real Redis, real databases, real HTTP receivers on loopback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import pytest
import redis
from sqlalchemy import select

from services.notifier import store
from services.notifier.app import build_app as build_notifier
from services.notifier.domain.addresses import AddressPolicy
from services.notifier.domain.signing import format_secret
from services.notifier.sender import Sender
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.db.database import Database
from shared.events.base import utc_now
from tests.factories.notifier import plan_generated
from tests.support.notifier import Receiver, notifier_settings, publish, receivers, register
from tests.support.stack import Stack, bearer, service_settings, stack
from tests.support.waiting import eventually

StackFactory = Callable[..., Any]


@pytest.fixture
def services(redis_url: str, database_url: str, prefix: str) -> StackFactory:
    def start(**overrides: Any) -> Any:
        return stack(
            {
                "tenants": build_tenants(
                    service_settings(TenantsSettings, redis_url, database_url, prefix)
                ),
                "notifier": build_notifier(
                    notifier_settings(redis_url, database_url, prefix, **overrides)
                ),
            }
        )

    return start


async def _tenant(s: Stack, name: str = "Clinic") -> tuple[str, str]:
    tenant = await s.create_tenant(name)
    return tenant["tenant_id"], tenant["api_key"]["key"]


async def _claimed(db: Database) -> bool:
    async with db.read() as session:
        rows = await session.execute(
            select(store.deliveries.c.delivery_id).where(
                store.deliveries.c.claim_token.is_not(None)
            )
        )
        return bool(rows.first())


async def _endpoint(client: Any, key: str, endpoint_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/webhooks/endpoints/{endpoint_id}", headers=bearer(key))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# 1. A delivery claimed before its endpoint is deleted or disabled is still sent -----------


@pytest.mark.parametrize("action", ["delete", "disable"])
async def test_a_delivery_claimed_before_the_endpoint_is_deleted_or_disabled_is_not_sent(
    services: StackFactory, action: str
) -> None:
    """The worker snapshots url and secrets at claim time and never looks at the endpoint
    again: after `DELETE` answered 204 (or `PATCH enabled=false` answered), the receiver still
    gets the event. The window is claim -> connect (DNS resolution included, up to the attempt
    timeout); the test-only pause makes it deterministic."""
    with receivers(Receiver()) as (receiver,):
        async with services(webhook_test_pause_before_send_s=1.0) as s:
            notifier = s.clients["notifier"]
            _, key = await _tenant(s)
            endpoint = await register(notifier, key, receiver.url)
            path = f"/v1/webhooks/endpoints/{endpoint['endpoint_id']}"
            sent = await notifier.post(f"{path}/test", headers=bearer(key))
            assert sent.status_code == 202
            db: Database = s.apps["notifier"].state.db
            await eventually(lambda: _claimed(db), timeout=3)
            if action == "delete":
                done = await notifier.delete(path, headers=bearer(key))
                assert done.status_code == 204
            else:
                done = await notifier.patch(path, json={"enabled": False}, headers=bearer(key))
                assert done.status_code == 200 and done.json()["enabled"] is False
            await asyncio.sleep(1.4)
    assert receiver.received == [], f"sent after the endpoint was {action}d"


# 2. Re-enabling an endpoint leaves its waiting deliveries on the old, long backoff --------


async def test_reenabling_an_auto_disabled_endpoint_sends_its_waiting_deliveries_now(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    """Auto-disabled after failing for `disable_after_s`, the endpoint's pending deliveries
    keep their `next_attempt_at` (with the default schedule, up to 10 h +20 % away) and their
    attempt count. Re-enabling "clears the failure history" for the endpoint only: the tenant
    who fixed the receiver and turned it back on waits hours for the events, and the next
    failure of an old delivery ends it as `failed` at once."""
    with receivers(Receiver([500, 500])) as (receiver,):
        async with services(
            webhook_retry_schedule_s=[0.05, 600], webhook_disable_after_s=0.04
        ) as s:
            notifier = s.clients["notifier"]
            tenant_id, key = await _tenant(s)
            endpoint = await register(notifier, key, receiver.url)
            publish(redis_client, prefix, plan_generated(tenant_id))

            async def disabled() -> Any:
                body = await _endpoint(notifier, key, endpoint["endpoint_id"])
                return body if not body["enabled"] else None

            await eventually(disabled, timeout=3)
            assert len(receiver.received) == 2
            enabled = await notifier.patch(
                f"/v1/webhooks/endpoints/{endpoint['endpoint_id']}",
                json={"enabled": True},
                headers=bearer(key),
            )
            assert enabled.json()["enabled"] is True and enabled.json()["failing_since"] is None

            async def third() -> bool:
                return len(receiver.received) >= 3

            try:
                await eventually(third, timeout=2)
            except AssertionError:
                pytest.fail("the waiting delivery was not sent after the endpoint was re-enabled")


# 3. Narrowing event_types does not apply to deliveries already queued ----------------------


async def test_a_queued_delivery_of_an_unsubscribed_type_is_not_sent(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    """After `PATCH event_types` drops a type, retries of that type keep going to the
    endpoint: `due_candidates` never checks the endpoint's current `event_types`."""
    with receivers(Receiver([500])) as (receiver,):
        async with services(webhook_retry_schedule_s=[0.6]) as s:
            notifier = s.clients["notifier"]
            tenant_id, key = await _tenant(s)
            endpoint = await register(
                notifier, key, receiver.url, event_types=["plan-generated", "flare-detected"]
            )
            publish(redis_client, prefix, plan_generated(tenant_id))

            async def first() -> bool:
                return len(receiver.received) >= 1

            await eventually(first, timeout=3)
            changed = await notifier.patch(
                f"/v1/webhooks/endpoints/{endpoint['endpoint_id']}",
                json={"event_types": ["flare-detected"]},
                headers=bearer(key),
            )
            assert changed.json()["event_types"] == ["flare-detected"]
            await asyncio.sleep(1.3)
    assert len(receiver.received) == 1, "plan-generated sent after it was unsubscribed"


# 4. Every attempt logs the endpoint URL, query string (tokens) included ------------------


async def test_an_attempt_does_not_log_the_endpoint_url_with_its_query(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """httpx logs `HTTP Request: POST <url> "HTTP/1.1 200 OK"` at INFO, and the services
    configure the stdlib root logger at INFO (`configure_logging`): every attempt writes the
    tenant's URL, including credentials carried in its query (`?token=...`), to the log,
    unstructured and outside the notifier's own log events."""
    with receivers(Receiver()) as (receiver,):
        sender = Sender(AddressPolicy(https_only=False, allow_loopback=True), 2.0)
        try:
            with caplog.at_level(logging.INFO):
                result = await sender.send(
                    receiver.url + "?token=tenant-credential-42",
                    "msg_1",
                    '{"type":"t"}',
                    [format_secret(b"k" * 32)],
                    utc_now(),
                )
        finally:
            await sender.aclose()
    assert result.status_code == 200
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert not [m for m in ours if "tenant-credential-42" in m]
