"""The result of one attempt: stored with the delivery's next step (done, retry when, give
up), and the endpoint's health after it (a run of failures, turned off after a 410 or one
that lasts too long). The worker's path: a few statements, no validation per row."""

from __future__ import annotations

import random
from datetime import datetime

from services.notifier import store
from services.notifier.domain import endpoints as rules
from services.notifier.domain.records import Attempt, Claimed
from services.notifier.domain.retries import AttemptResult, Outcome, delivery_status, next_step
from services.notifier.settings import NotifierSettings
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.observability.logging import get_logger
from shared.observability.metrics import WEBHOOK_ENDPOINTS_DISABLED

log = get_logger(__name__)


async def record(
    uow: UnitOfWork,
    claimed: Claimed,
    result: AttemptResult,
    attempted_at: datetime,
    settings: NotifierSettings,
) -> Outcome:
    """Store the attempt and decide what follows: done, retry when, give up, disable."""
    now = utc_now()
    step = next_step(
        result,
        attempts_made=claimed.attempts + 1,
        now=now,
        schedule=settings.webhook_retry_schedule_s,
        jitter=settings.webhook_retry_jitter,
        unit_random=random.random(),
    )
    held = await store.claims.finish(
        uow.session,
        claimed,
        status=delivery_status(step.outcome),
        next_attempt_at=step.next_attempt_at,
        last_status_code=result.status_code,
        last_error=result.error,
        last_attempt_at=attempted_at,
        completed_at=None if step.outcome is Outcome.RETRY else now,
    )
    if not held and not await store.deliveries.exists(
        uow.session, claimed.tenant_id, claimed.delivery_id
    ):
        return step.outcome  # the endpoint was deleted meanwhile: nothing left to record
    # Recorded even when the claim was lost (lease ran out): the attempt did happen.
    await store.deliveries.add_attempt(
        uow.session,
        Attempt(
            delivery_id=claimed.delivery_id,
            tenant_id=claimed.tenant_id,
            endpoint_id=claimed.endpoint_id,
            attempted_at=attempted_at,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            error=result.error,
            outcome=step.outcome.value,
        ),
    )
    await _track_health(uow, claimed, step.outcome, now, settings.webhook_disable_after_s)
    return step.outcome


async def _track_health(
    uow: UnitOfWork, claimed: Claimed, outcome: Outcome, now: datetime, disable_after_s: float
) -> None:
    endpoint = await store.endpoints.get(uow.session, claimed.tenant_id, claimed.endpoint_id)
    if endpoint is None:  # deleted while the attempt was in flight
        return
    health = rules.after_attempt(endpoint, outcome, now, disable_after_s)
    await store.endpoints.save(uow.session, health.endpoint, health.fields)
    if health.switched:
        WEBHOOK_ENDPOINTS_DISABLED.labels("gone" if outcome is Outcome.GONE else "failing").inc()
        log.warning(
            "webhook_endpoint_disabled",
            tenant_id=endpoint.tenant_id,
            endpoint_id=endpoint.endpoint_id,
        )
