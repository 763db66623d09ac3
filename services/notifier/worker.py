"""The delivery worker: claims due deliveries from the database and sends them concurrently.

- Deliveries are recorded (by the event consumer) before any attempt, so nothing is lost if
  the process dies: a claim is a lease (`locked_until`), and a dead worker's claims fall due
  again when it runs out. PostgreSQL claims with FOR UPDATE SKIP LOCKED, so replicas never
  take the same row; SQLite claims in one short write transaction.
- Each attempt is its own task, bounded globally and per endpoint; an endpoint at its bound
  is left out of the next claim, so one slow or dead endpoint never delays the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

from services.notifier import service, store
from services.notifier.domain.endpoints import why_not_sent
from services.notifier.domain.records import Claimed
from services.notifier.domain.signing import active_secrets
from services.notifier.sender import Resolver, Sender, resolve
from services.notifier.settings import NotifierSettings
from shared.cancellation import raise_if_cancelling
from shared.db.database import Database
from shared.events.base import utc_now
from shared.observability.logging import get_logger
from shared.observability.metrics import (
    WEBHOOK_ATTEMPT_SECONDS,
    WEBHOOK_ATTEMPTS,
    WEBHOOK_IN_FLIGHT,
)

log = get_logger(__name__)

# Claim at most this many candidates per free slot: enough to skip past busy endpoints.
CANDIDATES_PER_SLOT = 4


class DeliveryWorker:
    def __init__(
        self, db: Database, settings: NotifierSettings, resolver: Resolver = resolve
    ) -> None:
        self.db = db
        self.settings = settings
        self.sender = Sender(settings.address_policy, settings.webhook_attempt_timeout_s, resolver)
        self.token = uuid.uuid4().hex  # this worker's claims
        self.in_flight: dict[str, asyncio.Task[None]] = {}
        self.per_endpoint: Counter[str] = Counter()
        self.wake = asyncio.Event()
        self.rechecks: set[asyncio.Future[dict[str, Claimed]]] = set()

    async def run(self) -> None:
        try:
            while True:
                # Cleared before claiming, not after: a wake-up (a batch of deliveries just
                # committed, an attempt done) that comes during the claim is not lost.
                self.wake.clear()
                try:
                    await self.claim_and_start()
                except Exception:
                    log.warning("webhook_claim_failed", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.settings.webhook_poll_s)
                raise_if_cancelling()  # swallowed by a `wait_for` (shared.cancellation)
        finally:
            await self._shutdown()

    async def claim_and_start(self) -> int:
        free = self.settings.webhook_max_in_flight - len(self.in_flight)
        if free <= 0:
            return 0
        claimed = await self._claim(free)
        if not claimed:
            return 0
        # One re-read of the batch's endpoints, just before its sends, shared by its tasks.
        ready = asyncio.ensure_future(self._still_wanted(claimed))
        self.rechecks.add(ready)
        ready.add_done_callback(self.rechecks.discard)
        for one in claimed:
            self.per_endpoint[one.endpoint_id] += 1
            task = asyncio.create_task(self._attempt(one, ready))
            self.in_flight[one.delivery_id] = task
        return len(claimed)

    async def _claim(self, free: int) -> list[Claimed]:
        s = self.settings
        busy = {
            e for e, n in self.per_endpoint.items() if n >= s.webhook_max_in_flight_per_endpoint
        }
        now = utc_now()
        # A read first: most polls find nothing, and a read takes no write lock.
        async with self.db.read() as session:
            if not await store.claims.due_candidates(
                session, now, limit=1, exclude_endpoints=busy, skip_locked=False
            ):
                return []
        async with self.db.unit_of_work() as uow:
            candidates = await store.claims.due_candidates(
                uow.session,
                now,
                limit=free * CANDIDATES_PER_SLOT,
                exclude_endpoints=busy,
                skip_locked=not self.db.is_sqlite,
            )
            chosen: list[str] = []
            taken: Counter[str] = Counter()
            for delivery_id, endpoint_id in candidates:
                room = s.webhook_max_in_flight_per_endpoint - self.per_endpoint[endpoint_id]
                if taken[endpoint_id] < room and len(chosen) < free:
                    chosen.append(delivery_id)
                    taken[endpoint_id] += 1
            until = now + timedelta(seconds=s.webhook_lease_s)
            return await store.claims.claim(
                uow.session, chosen, token=self.token, now=now, until=until
            )

    async def _attempt(self, claimed: Claimed, ready: asyncio.Future[dict[str, Claimed]]) -> None:
        WEBHOOK_IN_FLIGHT.inc()
        try:
            # Shielded: one attempt cancelled must not cancel its batch-mates' re-read.
            fresh = (await asyncio.shield(ready)).get(claimed.delivery_id)
            if fresh is None:
                return
            claimed = fresh
            attempted_at = utc_now()
            secrets = active_secrets(
                claimed.secret,
                claimed.previous_secret,
                claimed.previous_secret_expires_at,
                attempted_at,
            )
            result = await self.sender.send(
                claimed.url, claimed.webhook_id, claimed.payload, secrets, attempted_at
            )
            WEBHOOK_ATTEMPT_SECONDS.observe(result.latency_ms / 1000)
            async with self.db.unit_of_work() as uow:
                outcome = await service.attempts.record(
                    uow, claimed, result, attempted_at, self.settings
                )
            WEBHOOK_ATTEMPTS.labels(outcome.value).inc()
            log.info(
                "webhook_attempt",
                tenant_id=claimed.tenant_id,
                endpoint_id=claimed.endpoint_id,
                delivery_id=claimed.delivery_id,
                status_code=result.status_code,
                error=result.error,
                outcome=outcome.value,
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            # The lease runs out and the delivery is tried again.
            log.warning("webhook_attempt_failed", delivery_id=claimed.delivery_id, exc_info=True)
        finally:
            WEBHOOK_IN_FLIGHT.dec()
            self.in_flight.pop(claimed.delivery_id, None)
            self.per_endpoint[claimed.endpoint_id] -= 1
            if self.per_endpoint[claimed.endpoint_id] <= 0:
                del self.per_endpoint[claimed.endpoint_id]
            self.wake.set()

    async def _still_wanted(self, batch: list[Claimed]) -> dict[str, Claimed]:
        """The claims still to send, by delivery id, with their endpoint's current URL and
        secrets: one read of the batch's endpoints just before sending. Left out: those whose
        endpoint was deleted or disabled since the claim (given back: they wait for the
        endpoint) and those of an event type it no longer takes (failed, saying so), each
        kind in one statement."""
        if self.settings.webhook_test_pause_before_send_s:
            await asyncio.sleep(self.settings.webhook_test_pause_before_send_s)
        async with self.db.read() as session:
            current = await store.endpoints.by_key(
                session, ((c.tenant_id, c.endpoint_id) for c in batch)
            )
        sendable: dict[str, Claimed] = {}
        give_back: list[str] = []
        unsubscribed: list[tuple[str, str]] = []
        for claimed in batch:
            endpoint = current.get((claimed.tenant_id, claimed.endpoint_id))
            why = why_not_sent(claimed.event_type, endpoint)
            if why is None:
                assert endpoint is not None
                sendable[claimed.delivery_id] = replace(
                    claimed,
                    url=endpoint.url,
                    secret=endpoint.secret,
                    previous_secret=endpoint.previous_secret,
                    previous_secret_expires_at=endpoint.previous_secret_expires_at,
                )
                continue
            if why in ("gone", "disabled"):
                give_back.append(claimed.delivery_id)
            else:
                unsubscribed.append((claimed.tenant_id, claimed.delivery_id))
            log.info(
                "webhook_not_sent",
                tenant_id=claimed.tenant_id,
                endpoint_id=claimed.endpoint_id,
                delivery_id=claimed.delivery_id,
                reason=why,
            )
        if give_back or unsubscribed:
            # A change racing this write (the endpoint enabled or subscribed again) costs at
            # most a delivery that is due again at once, or one ended as unsubscribed just as
            # it was subscribed again: as when each delivery read its endpoint on its own.
            async with self.db.unit_of_work() as uow:
                if give_back:
                    await store.claims.release(uow.session, self.token, give_back)
                await store.claims.end_unattempted(
                    uow.session,
                    self.token,
                    unsubscribed,
                    last_error="endpoint no longer subscribed to this event type",
                    completed_at=utc_now(),
                )
        return sendable

    async def _shutdown(self) -> None:
        """Cancel attempts under way and give their claims back, so a restart sends them at
        once instead of after the lease."""
        unfinished = list(self.in_flight)
        pending: list[asyncio.Future[Any]] = [*self.in_flight.values(), *self.rechecks]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if unfinished:
            with contextlib.suppress(Exception):
                async with self.db.unit_of_work() as uow:
                    await store.claims.release(uow.session, self.token, unfinished)
        await self.sender.aclose()
