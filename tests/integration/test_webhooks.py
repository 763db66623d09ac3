"""Webhook delivery end to end: public events on real Redis, the notifier with its real
database and worker, and real HTTP receivers on loopback (pytest-httpserver)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
import redis
from sqlalchemy import select
from standardwebhooks import Webhook

from services.notifier.app import build_app as build_notifier
from services.notifier.store.tables import deliveries as delivery_table
from services.quiz.app import build_app as build_quiz
from services.quiz.settings import QuizSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.db.database import Database
from tests.factories.notifier import SECRET_NOTE, exercise_removed, flare_detected, plan_generated
from tests.factories.quiz import clean_answers
from tests.support.notifier import (
    Receiver,
    deliveries,
    notifier_settings,
    publish,
    receivers,
    register,
)
from tests.support.stack import Stack, bearer, service_settings, stack
from tests.support.waiting import eventually

StackFactory = Callable[..., Any]


@pytest.fixture
def services(redis_url: str, database_url: str, prefix: str) -> StackFactory:
    """`async with services(**notifier_overrides) as s:` tenants and notifier running."""

    def start(with_quiz: bool = False, **overrides: Any) -> Any:
        apps = {
            "tenants": build_tenants(
                service_settings(TenantsSettings, redis_url, database_url, prefix)
            ),
            "notifier": build_notifier(
                notifier_settings(redis_url, database_url, prefix, **overrides)
            ),
        }
        if with_quiz:
            apps["quiz"] = build_quiz(
                service_settings(QuizSettings, redis_url, database_url, prefix)
            )
        return stack(apps)

    return start


async def tenant_key(s: Stack, name: str = "Clinic") -> tuple[str, str]:
    tenant = await s.create_tenant(name)
    return tenant["tenant_id"], tenant["api_key"]["key"]


async def _value(v: Any) -> Any:
    return v


async def test_deliveries_are_signed_thin_and_verify_with_the_library(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    with receivers(Receiver()) as (receiver,):
        async with services() as s:
            tenant_id, key = await tenant_key(s)
            endpoint = await register(s.clients["notifier"], key, receiver.url)
            assert endpoint["secret"].startswith("whsec_")
            flare, removal = flare_detected(tenant_id), exercise_removed(tenant_id)
            publish(redis_client, prefix, flare)
            publish(redis_client, prefix, removal)
            await eventually(lambda: _value(len(receiver.received) >= 2))

    verifier = Webhook(endpoint["secret"])
    bodies = {}
    for got in receiver.received:
        payload = verifier.verify(got.body, got.headers)
        assert got.headers["content-type"] == "application/json"
        assert got.headers["webhook-id"].startswith("msg_")
        bodies[payload["type"]] = (payload, got.body)
    flare_payload, flare_body = bodies["flare-detected"]
    assert flare_payload["data"]["flare_id"] == str(flare.flare_id)
    assert (
        flare_payload["data"]["links"]["flares"] == "https://api.spinefit.test/v1/users/u-1/flares"
    )
    assert '"level"' not in flare_body and '"baseline"' not in flare_body
    removal_payload, removal_body = bodies["exercise-removed"]
    assert removal_payload["data"]["exercise_id"] == "slump-stretch"
    assert SECRET_NOTE not in removal_body and "evidence" not in removal_body


async def test_referred_quiz_reaches_the_tenant_endpoint_without_its_reasons(
    services: StackFactory,
) -> None:
    with receivers(Receiver()) as (receiver,):
        async with services(with_quiz=True) as s:
            _, key = await tenant_key(s)
            endpoint = await register(
                s.clients["notifier"], key, receiver.url, event_types=["user-referred"]
            )
            answers = clean_answers(red_flags={"saddle_numbness": True})
            response = await s.clients["quiz"].post(
                "/v1/users/pt-9/quiz", json=answers, headers=bearer(key)
            )
            assert response.json()["status"] == "refer"
            await eventually(lambda: _value(receiver.received))
    payload = Webhook(endpoint["secret"]).verify(
        receiver.received[0].body, receiver.received[0].headers
    )
    assert payload["type"] == "user-referred"
    assert payload["data"]["response_id"] == response.json()["response_id"]
    assert payload["data"]["links"]["quiz"].endswith("/v1/users/pt-9/quiz")
    # Neither the red flags nor the referral level (how urgent) leave by webhook.
    assert "level" not in payload["data"]
    assert "saddle" not in receiver.received[0].body
    assert "emergency" not in receiver.received[0].body


async def test_a_receiver_failing_twice_gets_the_same_webhook_id_three_times(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    with receivers(Receiver([500, 503])) as (receiver,):
        async with services() as s:
            tenant_id, key = await tenant_key(s)
            endpoint = await register(s.clients["notifier"], key, receiver.url)
            publish(redis_client, prefix, plan_generated(tenant_id))

            async def succeeded() -> Any:
                found = await deliveries(s.clients["notifier"], key, endpoint["endpoint_id"])
                return found if found and found[0]["status"] == "succeeded" else None

            [delivery] = await eventually(succeeded)
    ids = receiver.ids()
    assert len(ids) == 3 and len(set(ids)) == 1
    assert ids[0] == delivery["webhook_id"]
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 200]
    assert [a["outcome"] for a in delivery["attempts"]] == ["retry", "retry", "succeeded"]
    assert all(isinstance(a["latency_ms"], int) for a in delivery["attempts"])
    assert delivery["attempt_count"] == 3 and delivery["next_attempt_at"] is None
    # Every attempt is signed afresh and verifies.
    for got in receiver.received:
        Webhook(endpoint["secret"]).verify(got.body, got.headers)


async def test_deliveries_show_the_next_retry_and_a_manual_retry_resends_the_same_id(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    with receivers(Receiver([500])) as (receiver,):
        async with services(webhook_retry_schedule_s=[600]) as s:
            notifier = s.clients["notifier"]
            tenant_id, key = await tenant_key(s)
            endpoint = await register(notifier, key, receiver.url)
            publish(redis_client, prefix, plan_generated(tenant_id))

            async def attempted() -> Any:
                found = await deliveries(notifier, key, endpoint["endpoint_id"])
                return found if found and found[0]["attempts"] else None

            [waiting] = await eventually(attempted)
            assert waiting["status"] == "pending"
            assert waiting["attempts"][0]["status_code"] == 500
            assert waiting["next_attempt_at"] > waiting["attempts"][0]["attempted_at"]

            retried = await notifier.post(
                f"/v1/webhooks/endpoints/{endpoint['endpoint_id']}/deliveries/"
                f"{waiting['delivery_id']}/retry",
                headers=bearer(key),
            )
            assert retried.status_code == 202
            await eventually(lambda: _value(len(receiver.received) == 2))
            detail = await eventually(
                lambda: _succeeded(notifier, key, endpoint["endpoint_id"], waiting["delivery_id"])
            )
    assert receiver.ids() == [waiting["webhook_id"]] * 2
    assert [a["status_code"] for a in detail["attempts"]] == [500, 200]


async def _succeeded(client: Any, key: str, endpoint_id: str, delivery_id: str) -> Any:
    response = await client.get(
        f"/v1/webhooks/endpoints/{endpoint_id}/deliveries/{delivery_id}", headers=bearer(key)
    )
    body = response.json()
    return body if body["status"] == "succeeded" else None


async def test_410_disables_the_endpoint_and_says_why(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    with receivers(Receiver(default=410)) as (receiver,):
        async with services() as s:
            notifier = s.clients["notifier"]
            tenant_id, key = await tenant_key(s)
            endpoint = await register(notifier, key, receiver.url)
            path = f"/v1/webhooks/endpoints/{endpoint['endpoint_id']}"
            publish(redis_client, prefix, plan_generated(tenant_id))

            async def disabled() -> Any:
                body = (await notifier.get(path, headers=bearer(key))).json()
                return body if not body["enabled"] else None

            body = await eventually(disabled)
            assert "410" in body["disabled_reason"] and body["disabled_at"]
            [delivery] = await deliveries(notifier, key, endpoint["endpoint_id"])
            assert delivery["status"] == "failed" and delivery["attempt_count"] == 1
            # A disabled endpoint gets nothing more.
            publish(redis_client, prefix, plan_generated(tenant_id))
            test = await notifier.post(f"{path}/test", headers=bearer(key))
            assert test.status_code == 409
            await eventually(lambda: _stream_consumed(redis_client, prefix, "plan-generated"))
            assert len(await deliveries(notifier, key, endpoint["endpoint_id"])) == 1
            # The tenant turns it back on: the failure history is cleared.
            enabled = await notifier.patch(path, json={"enabled": True}, headers=bearer(key))
            assert enabled.json()["enabled"] is True
            assert enabled.json()["disabled_reason"] is None
    assert len(receiver.received) == 1


async def _stream_consumed(client: redis.Redis, prefix: str, event_type: str) -> bool:
    groups = client.xinfo_groups(f"{prefix}{event_type}")
    length = client.xlen(f"{prefix}{event_type}")
    return all(g["pending"] == 0 and g["entries-read"] == length for g in groups)


async def test_an_endpoint_failing_every_attempt_for_the_set_period_is_disabled(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    with receivers(Receiver(default=500)) as (receiver,):
        async with services(webhook_retry_schedule_s=[0.1] * 20, webhook_disable_after_s=0.5) as s:
            notifier = s.clients["notifier"]
            tenant_id, key = await tenant_key(s)
            endpoint = await register(notifier, key, receiver.url)
            publish(redis_client, prefix, plan_generated(tenant_id))
            path = f"/v1/webhooks/endpoints/{endpoint['endpoint_id']}"

            async def disabled() -> Any:
                body = (await notifier.get(path, headers=bearer(key))).json()
                return body if not body["enabled"] else None

            body = await eventually(disabled)
    assert "every attempt failed since" in body["disabled_reason"]
    assert body["failing_since"] is not None
    assert len(receiver.received) >= 2


async def test_a_receiver_sleeping_past_the_timeout_does_not_delay_another_tenant(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    release = threading.Event()
    slow, fast = Receiver(hold=release, hold_s=6), Receiver()
    with receivers(slow, fast):
        async with services(webhook_attempt_timeout_s=3.0, webhook_retry_schedule_s=[60]) as s:
            notifier = s.clients["notifier"]
            slow_tenant, slow_key = await tenant_key(s, "Slow")
            fast_tenant, fast_key = await tenant_key(s, "Fast")
            slow_ep = await register(notifier, slow_key, slow.url)
            await register(notifier, fast_key, fast.url)

            publish(redis_client, prefix, plan_generated(slow_tenant))
            await eventually(lambda: _value(slow.arrived.is_set()))
            publish(redis_client, prefix, plan_generated(fast_tenant))
            await eventually(lambda: _value(fast.received))
            # The slow endpoint's attempt was still under way when the other was delivered.
            [in_flight] = await deliveries(notifier, slow_key, slow_ep["endpoint_id"])
            assert in_flight["attempts"] == []

            async def timed_out() -> Any:
                found = await deliveries(notifier, slow_key, slow_ep["endpoint_id"])
                return found[0]["attempts"]

            [attempt] = await eventually(timed_out)
            release.set()
    assert attempt["error"] == "timeout" and attempt["status_code"] is None


async def test_a_tenant_receives_only_its_own_events(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    with receivers(Receiver(), Receiver()) as (mine, theirs):
        async with services() as s:
            notifier = s.clients["notifier"]
            my_tenant, my_key = await tenant_key(s, "Mine")
            _, their_key = await tenant_key(s, "Theirs")
            await register(notifier, my_key, mine.url)
            their_ep = await register(notifier, their_key, theirs.url)
            publish(redis_client, prefix, flare_detected(my_tenant))
            await eventually(lambda: _value(mine.received))
            await eventually(lambda: _stream_consumed(redis_client, prefix, "flare-detected"))
            assert await deliveries(notifier, their_key, their_ep["endpoint_id"]) == []
    assert theirs.received == []


async def test_another_tenant_cannot_read_or_change_endpoints_or_deliveries(
    services: StackFactory,
) -> None:
    with receivers(Receiver()) as (receiver,):
        async with services() as s:
            notifier = s.clients["notifier"]
            _, owner = await tenant_key(s, "Owner")
            _, other = await tenant_key(s, "Other")
            endpoint = await register(notifier, owner, receiver.url)
            path = f"/v1/webhooks/endpoints/{endpoint['endpoint_id']}"
            test = await notifier.post(f"{path}/test", headers=bearer(owner))
            assert test.status_code == 202
            delivery_id = test.json()["delivery_id"]
            await eventually(lambda: _value(receiver.received))

            as_other = bearer(other)
            attempts = [
                await notifier.get(path, headers=as_other),
                await notifier.patch(path, json={"enabled": False}, headers=as_other),
                await notifier.post(f"{path}/rotate-secret", headers=as_other),
                await notifier.post(f"{path}/test", headers=as_other),
                await notifier.get(f"{path}/deliveries", headers=as_other),
                await notifier.get(f"{path}/deliveries/{delivery_id}", headers=as_other),
                await notifier.post(f"{path}/deliveries/{delivery_id}/retry", headers=as_other),
                await notifier.delete(path, headers=as_other),
            ]
            assert [r.status_code for r in attempts] == [404] * len(attempts)
            listed = await notifier.get("/v1/webhooks/endpoints", headers=as_other)
            assert listed.json() == {"items": [], "next_cursor": None}
            # Nothing changed for the owner.
            mine = (await notifier.get(path, headers=bearer(owner))).json()
            assert mine["enabled"] is True and mine["previous_secret_expires_at"] is None
            assert len(await deliveries(notifier, owner, endpoint["endpoint_id"])) == 1
    assert len(receiver.received) == 1


async def _claimed(db: Database) -> bool:
    async with db.read() as session:
        rows = await session.execute(
            select(delivery_table.c.delivery_id).where(delivery_table.c.claim_token.is_not(None))
        )
        return bool(rows.first())


async def _endpoint(client: Any, key: str, endpoint_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/webhooks/endpoints/{endpoint_id}", headers=bearer(key))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("action", ["delete", "disable"])
async def test_a_delivery_claimed_before_the_endpoint_is_deleted_or_disabled_is_not_sent(
    services: StackFactory, action: str
) -> None:
    """Once `DELETE` answered 204 (or `PATCH enabled=false` answered), the receiver gets
    nothing, even for a delivery the worker had already claimed: the worker re-reads the
    endpoint just before sending. The window is claim -> connect (DNS resolution included,
    up to the attempt timeout); the test-only pause makes it deterministic."""
    with receivers(Receiver()) as (receiver,):
        async with services(webhook_test_pause_before_send_s=1.0) as s:
            notifier = s.clients["notifier"]
            _, key = await tenant_key(s)
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


async def test_reenabling_an_auto_disabled_endpoint_sends_its_waiting_deliveries_now(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    """Auto-disabled after failing for `disable_after_s`, the endpoint's pending deliveries
    would keep their `next_attempt_at` (with the default schedule, up to 10 h +20 % away)
    and their attempt count. Re-enabling makes them due at once, on a fresh schedule: the
    tenant who fixed the receiver gets the events now, and an old delivery's next failure
    does not end it as `failed` at once."""
    with receivers(Receiver([500, 500])) as (receiver,):
        async with services(
            webhook_retry_schedule_s=[0.05, 600], webhook_disable_after_s=0.04
        ) as s:
            notifier = s.clients["notifier"]
            tenant_id, key = await tenant_key(s)
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


async def test_a_queued_delivery_of_an_unsubscribed_type_is_not_sent(
    services: StackFactory, redis_client: redis.Redis, prefix: str
) -> None:
    """After `PATCH event_types` drops a type, a retry of that type already queued is not
    sent: the endpoint's current `event_types` are checked just before sending."""
    with receivers(Receiver([500])) as (receiver,):
        async with services(webhook_retry_schedule_s=[0.6]) as s:
            notifier = s.clients["notifier"]
            tenant_id, key = await tenant_key(s)
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
