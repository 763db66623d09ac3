"""Deliveries: recorded for a consumed batch of public events (or a test event), read by
their tenant with their attempts, and retried on request."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.notifier import store
from services.notifier.domain.payloads import (
    TEST_EVENT_TYPE,
    build_payload,
    build_test_payload,
    encode,
)
from services.notifier.domain.records import Delivery, DeliveryHistory, PageKey
from services.notifier.domain.signing import webhook_id
from services.notifier.service.endpoints import load as load_endpoint
from shared.db.uow import UnitOfWork
from shared.events.base import Event, utc_now
from shared.http.problems import Conflict, NotFound


def _pending(
    tenant_id: str,
    endpoint_id: str,
    *,
    event_id: uuid.UUID | None,
    event_type: str,
    msg_id: str,
    body: str,
    now: datetime,
) -> Delivery:
    return Delivery(
        delivery_id=store.tables.new_id("dlv"),
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        event_id=event_id,
        event_type=event_type,
        webhook_id=msg_id,
        payload=body,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        locked_until=None,
        claim_token=None,
        last_status_code=None,
        last_error=None,
        last_attempt_at=None,
        created_at=now,
        completed_at=None,
    )


def _disabled() -> Conflict:
    return Conflict("the endpoint is disabled; enable it", code="endpoint-disabled")


async def record(uow: UnitOfWork, events: Sequence[Event], public_base_url: str) -> int:
    """One pending delivery per event and enabled endpoint of that event's tenant that takes
    its type, for a whole batch: one query for the endpoints of every tenant in it, one
    INSERT for every delivery. Runs in the consumed batch's unit of work: recorded if and
    only if it is acknowledged. Returns how many deliveries were offered (one recorded
    before for the same event and endpoint is kept, not doubled)."""
    if not events:
        return 0
    now = utc_now()
    by_tenant = await store.endpoints.subscribers_of(uow.session, (e.tenant_id for e in events))
    new: list[Delivery] = []
    for event in events:
        takers = [
            s.endpoint_id
            for s in by_tenant.get(event.tenant_id, ())
            if event.event_type in s.event_types
        ]
        if not takers:
            continue
        body = encode(build_payload(event.model_dump(mode="json"), public_base_url))
        new += [
            _pending(
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
    await store.deliveries.add_many(uow.session, new)
    return len(new)


async def send_test(uow: UnitOfWork, tenant_id: str, endpoint_id: str) -> Delivery:
    """A `webhook.test` delivery to the endpoint, due now; a 409 when it is off."""
    endpoint = await load_endpoint(uow.session, tenant_id, endpoint_id)
    if not endpoint.enabled:
        raise _disabled()
    now = utc_now()
    delivery = _pending(
        tenant_id,
        endpoint_id,
        event_id=None,
        event_type=TEST_EVENT_TYPE,
        msg_id=store.tables.new_id("msg"),
        body=encode(build_test_payload(endpoint_id, now.isoformat())),
        now=now,
    )
    await store.deliveries.add_many(uow.session, [delivery])
    return delivery


async def retry(uow: UnitOfWork, tenant_id: str, endpoint_id: str, delivery_id: str) -> Delivery:
    """Due now again, with the same webhook-id: one more attempt whatever the schedule."""
    endpoint = await load_endpoint(uow.session, tenant_id, endpoint_id)
    delivery = await store.deliveries.get(uow.session, tenant_id, endpoint_id, delivery_id)
    if delivery is None:
        raise NotFound("delivery not found")
    if not endpoint.enabled:
        raise _disabled()
    await store.deliveries.due_again(uow.session, tenant_id, delivery_id, utc_now())
    return delivery


async def page(
    session: AsyncSession,
    tenant_id: str,
    endpoint_id: str,
    *,
    status: str | None,
    after: PageKey | None,
    limit: int,
) -> list[DeliveryHistory]:
    """Up to `limit + 1` of the endpoint's deliveries, newest first, after the cursor's key,
    each with its attempts; a 404 when the tenant has no such endpoint."""
    await load_endpoint(session, tenant_id, endpoint_id)
    found = await store.deliveries.page(
        session, tenant_id, endpoint_id, status=status, after=after, limit=limit
    )
    # The one past the page only tells there is more: its attempts are not needed.
    shown = [d.delivery_id for d in found[:limit]]
    tries = await store.deliveries.attempts_of(session, tenant_id, shown)
    return [DeliveryHistory(d, tries.get(d.delivery_id, [])) for d in found]


async def load(
    session: AsyncSession, tenant_id: str, endpoint_id: str, delivery_id: str
) -> DeliveryHistory:
    delivery = await store.deliveries.get(session, tenant_id, endpoint_id, delivery_id)
    if delivery is None:
        raise NotFound("delivery not found")
    tries = await store.deliveries.attempts_of(session, tenant_id, [delivery_id])
    return DeliveryHistory(delivery, tries[delivery_id])
