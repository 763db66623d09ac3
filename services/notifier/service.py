"""Use cases of the notifier: endpoints, recording deliveries, and the result of an attempt.

Routes and the worker stay thin around these. Nothing here commits: the caller's unit of
work does.
"""

from __future__ import annotations

import random
import secrets as random_source
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from services.notifier import store
from services.notifier.domain.payloads import (
    TEST_EVENT_TYPE,
    build_payload,
    build_test_payload,
    encode,
)
from services.notifier.domain.retries import AttemptResult, Outcome, next_step, should_disable
from services.notifier.domain.signing import SECRET_BYTES, format_secret, webhook_id
from services.notifier.settings import NotifierSettings
from shared.db.uow import UnitOfWork
from shared.events.base import Event, utc_now
from shared.observability.logging import get_logger
from shared.observability.metrics import WEBHOOK_ENDPOINTS_DISABLED

log = get_logger(__name__)


class NotFound(Exception):
    pass


class EndpointDisabled(Exception):
    pass


def new_secret() -> str:
    return format_secret(random_source.token_bytes(SECRET_BYTES))


# Endpoints ------------------------------------------------------------------------------


async def create_endpoint(
    uow: UnitOfWork, tenant_id: str, *, url: str, event_types: list[str], description: str
) -> dict[str, Any]:
    now = utc_now()
    endpoint_id = store.new_id("ep")
    secret = new_secret()
    await store.add_endpoint(
        uow.session,
        endpoint_id=endpoint_id,
        tenant_id=tenant_id,
        url=url,
        description=description,
        event_types=event_types,
        enabled=True,
        secret=secret,
        created_at=now,
        updated_at=now,
    )
    row = await _endpoint(uow, tenant_id, endpoint_id)
    # The only answer that ever shows the secret.
    return {**describe_endpoint(row), "secret": secret}


async def update_endpoint(
    uow: UnitOfWork, tenant_id: str, endpoint_id: str, changes: dict[str, Any]
) -> dict[str, Any]:
    row = await _endpoint(uow, tenant_id, endpoint_id)
    values = {k: v for k, v in changes.items() if k in ("url", "description", "event_types")}
    if "enabled" in changes and changes["enabled"] != row["enabled"]:
        values["enabled"] = changes["enabled"]
        if changes["enabled"]:  # a fresh start: the failure history no longer counts
            values.update(disabled_reason=None, disabled_at=None, failing_since=None)
        else:
            values.update(disabled_reason="disabled by the tenant", disabled_at=utc_now())
    if values:
        await store.update_endpoint(
            uow.session, tenant_id, endpoint_id, **values, updated_at=utc_now()
        )
    if values.get("enabled") is True:
        # Waiting deliveries would otherwise sit out their backoff (up to 10 h).
        await store.restart_pending(uow.session, tenant_id, endpoint_id, utc_now())
    return describe_endpoint(await _endpoint(uow, tenant_id, endpoint_id))


async def rotate_secret(
    uow: UnitOfWork, tenant_id: str, endpoint_id: str, grace_s: float
) -> dict[str, Any]:
    """A new secret, returned once; the current one keeps signing for `grace_s`."""
    row = await _endpoint(uow, tenant_id, endpoint_id)
    now = utc_now()
    secret = new_secret()
    expires = now + timedelta(seconds=grace_s)
    await store.update_endpoint(
        uow.session,
        tenant_id,
        endpoint_id,
        secret=secret,
        previous_secret=row["secret"],
        previous_secret_expires_at=expires,
        updated_at=now,
    )
    return {
        "endpoint_id": endpoint_id,
        "secret": secret,
        "previous_secret_expires_at": expires.isoformat(),
    }


async def delete_endpoint(uow: UnitOfWork, tenant_id: str, endpoint_id: str) -> None:
    await _endpoint(uow, tenant_id, endpoint_id)
    await store.delete_endpoint(uow.session, tenant_id, endpoint_id)


async def _endpoint(uow: UnitOfWork, tenant_id: str, endpoint_id: str) -> dict[str, Any]:
    row = await store.get_endpoint(uow.session, tenant_id, endpoint_id)
    if row is None:
        raise NotFound(endpoint_id)
    return row


def describe_endpoint(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "endpoint_id": row["endpoint_id"],
        "url": row["url"],
        "description": row["description"],
        "event_types": row["event_types"],
        "enabled": row["enabled"],
        "disabled_reason": row["disabled_reason"],
        "disabled_at": _iso(row["disabled_at"]),
        "failing_since": _iso(row["failing_since"]),
        "previous_secret_expires_at": _iso(row["previous_secret_expires_at"]),
        "created_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]),
    }


# Deliveries -----------------------------------------------------------------------------


async def record_deliveries(uow: UnitOfWork, events: Sequence[Event], public_base_url: str) -> int:
    """One pending delivery per event and enabled endpoint of that event's tenant that takes
    its type, for a whole batch: one query for the endpoints of every tenant in it, one
    INSERT for every delivery. Runs in the consumed batch's unit of work: recorded if and
    only if it is acknowledged. Returns how many deliveries were offered (one recorded
    before for the same event and endpoint is kept, not doubled)."""
    if not events:
        return 0
    now = utc_now()
    by_tenant = await store.enabled_endpoints_of(uow.session, (e.tenant_id for e in events))
    rows: list[dict[str, Any]] = []
    for event in events:
        takers = [
            ep["endpoint_id"]
            for ep in by_tenant.get(event.tenant_id, ())
            if event.event_type in ep["event_types"]
        ]
        if not takers:
            continue
        body = encode(build_payload(event.model_dump(mode="json"), public_base_url))
        rows += [
            _delivery_row(
                event.tenant_id,
                endpoint_id,
                event_id=event.event_id,
                event_type=event.event_type,
                msg_id=webhook_id(event.event_id, endpoint_id),
                body=body,
                now=now,
            )
            for endpoint_id in takers
        ]
    await store.add_deliveries(uow.session, rows)
    return len(rows)


async def send_test_event(uow: UnitOfWork, tenant_id: str, endpoint_id: str) -> dict[str, Any]:
    row = await _endpoint(uow, tenant_id, endpoint_id)
    if not row["enabled"]:
        raise EndpointDisabled(endpoint_id)
    now = utc_now()
    msg_id = store.new_id("msg")
    values = _delivery_row(
        tenant_id,
        endpoint_id,
        event_id=None,
        event_type=TEST_EVENT_TYPE,
        msg_id=msg_id,
        body=encode(build_test_payload(endpoint_id, now.isoformat())),
        now=now,
    )
    await store.add_deliveries(uow.session, [values])
    return {"delivery_id": values["delivery_id"], "webhook_id": msg_id, "status": "pending"}


async def retry_delivery(
    uow: UnitOfWork, tenant_id: str, endpoint_id: str, delivery_id: str
) -> dict[str, Any]:
    """Due now again, with the same webhook-id: one more attempt whatever the schedule."""
    endpoint = await _endpoint(uow, tenant_id, endpoint_id)
    row = await store.get_delivery(uow.session, tenant_id, endpoint_id, delivery_id)
    if row is None:
        raise NotFound(delivery_id)
    if not endpoint["enabled"]:
        raise EndpointDisabled(endpoint_id)
    await store.update_delivery(
        uow.session,
        tenant_id,
        delivery_id,
        status="pending",
        next_attempt_at=utc_now(),
        completed_at=None,
    )
    return {"delivery_id": delivery_id, "webhook_id": row["webhook_id"], "status": "pending"}


def _delivery_row(
    tenant_id: str,
    endpoint_id: str,
    *,
    event_id: Any,
    event_type: str,
    msg_id: str,
    body: str,
    now: datetime,
) -> dict[str, Any]:
    return {
        "delivery_id": store.new_id("dlv"),
        "tenant_id": tenant_id,
        "endpoint_id": endpoint_id,
        "event_id": event_id,
        "event_type": event_type,
        "webhook_id": msg_id,
        "payload": body,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "locked_until": None,
        "claim_token": None,
        "last_status_code": None,
        "last_error": None,
        "last_attempt_at": None,
        "created_at": now,
        "completed_at": None,
    }


def describe_delivery(row: dict[str, Any], tries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "delivery_id": row["delivery_id"],
        "endpoint_id": row["endpoint_id"],
        "event_id": str(row["event_id"]) if row["event_id"] else None,
        "event_type": row["event_type"],
        "webhook_id": row["webhook_id"],
        "status": row["status"],
        "attempt_count": row["attempts"],
        "next_attempt_at": _iso(row["next_attempt_at"]) if row["status"] == "pending" else None,
        "last_status_code": row["last_status_code"],
        "last_error": row["last_error"],
        "created_at": _iso(row["created_at"]),
        "completed_at": _iso(row["completed_at"]),
        "attempts": [
            {
                "attempted_at": _iso(a["attempted_at"]),
                "status_code": a["status_code"],
                "latency_ms": a["latency_ms"],
                "error": a["error"],
                "outcome": a["outcome"],
            }
            for a in tries
        ],
    }


# Attempts -------------------------------------------------------------------------------


def still_wanted(claimed: dict[str, Any], endpoint: dict[str, Any] | None) -> str | None:
    """Why a claimed delivery must not be sent now, judged on the endpoint as it is just
    before sending (it may have changed since the claim): "gone", "disabled",
    "unsubscribed", or None to send it (to the endpoint's current URL, with its current
    secrets)."""
    if endpoint is None:
        return "gone"
    if not endpoint["enabled"]:
        return "disabled"
    event_type = claimed["event_type"]
    if event_type != TEST_EVENT_TYPE and event_type not in endpoint["event_types"]:
        return "unsubscribed"
    return None


def signing_secrets(claimed: dict[str, Any], now: datetime) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    found = [claimed["secret"]]
    expires = claimed["previous_secret_expires_at"]
    if claimed["previous_secret"] and expires is not None and expires > now:
        found.append(claimed["previous_secret"])
    return found


async def record_attempt(
    uow: UnitOfWork,
    claimed: dict[str, Any],
    result: AttemptResult,
    attempted_at: datetime,
    settings: NotifierSettings,
) -> Outcome:
    """Store the attempt and decide what follows: done, retry when, give up, disable."""
    tenant_id, endpoint_id = claimed["tenant_id"], claimed["endpoint_id"]
    now = utc_now()
    step = next_step(
        result,
        attempts_made=claimed["attempts"] + 1,
        now=now,
        schedule=settings.webhook_retry_schedule_s,
        jitter=settings.webhook_retry_jitter,
        unit_random=random.random(),
    )
    done = step.outcome is not Outcome.RETRY
    held = await store.finish_claimed(
        uow.session,
        tenant_id,
        claimed["delivery_id"],
        claimed["claim_token"],
        attempts=claimed["attempts"] + 1,
        status={Outcome.SUCCEEDED: "succeeded", Outcome.RETRY: "pending"}.get(
            step.outcome, "failed"
        ),
        next_attempt_at=step.next_attempt_at,
        last_status_code=result.status_code,
        last_error=result.error,
        last_attempt_at=attempted_at,
        completed_at=now if done else None,
    )
    if not held and not await store.delivery_exists(uow.session, tenant_id, claimed["delivery_id"]):
        return step.outcome  # the endpoint was deleted meanwhile: nothing left to record
    # Recorded even when the claim was lost (lease ran out): the attempt did happen.
    await store.add_attempt(
        uow.session,
        delivery_id=claimed["delivery_id"],
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        attempted_at=attempted_at,
        status_code=result.status_code,
        latency_ms=result.latency_ms,
        error=result.error,
        outcome=step.outcome.value,
    )
    await _track_endpoint_health(uow, tenant_id, endpoint_id, step.outcome, now, settings)
    return step.outcome


async def _track_endpoint_health(
    uow: UnitOfWork,
    tenant_id: str,
    endpoint_id: str,
    outcome: Outcome,
    now: datetime,
    settings: NotifierSettings,
) -> None:
    endpoint = await store.get_endpoint(uow.session, tenant_id, endpoint_id)
    if endpoint is None:  # deleted while the attempt was in flight
        return
    if outcome is Outcome.SUCCEEDED:
        if endpoint["failing_since"] is not None:
            await store.update_endpoint(uow.session, tenant_id, endpoint_id, failing_since=None)
        return
    failing_since = endpoint["failing_since"] or now
    reason = None
    if outcome is Outcome.GONE:
        reason = "the receiver answered 410 Gone"
    elif should_disable(failing_since, now, settings.webhook_disable_after_s):
        reason = (
            f"every attempt failed since {failing_since.isoformat()} "
            f"(for more than {settings.webhook_disable_after_s:g} s)"
        )
    values: dict[str, Any] = {"failing_since": failing_since}
    if reason and endpoint["enabled"]:
        values.update(enabled=False, disabled_reason=reason, disabled_at=now, updated_at=now)
        WEBHOOK_ENDPOINTS_DISABLED.labels("gone" if outcome is Outcome.GONE else "failing").inc()
        log.warning("webhook_endpoint_disabled", tenant_id=tenant_id, endpoint_id=endpoint_id)
    await store.update_endpoint(uow.session, tenant_id, endpoint_id, **values)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
