"""Applying consumed events exactly once in effect.

At-least-once delivery (Redis consumer groups, acknowledged only after commit) plus an
idempotency record keyed on `event_id`, written in the same transaction as the handler's
effect, gives effectively-once application. Poison messages go to `<stream>.dlq`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter, Histogram
from redis.asyncio import Redis

from shared.db import unnest
from shared.db.database import Database
from shared.db.dialect import upsert_insert
from shared.db.uow import UnitOfWork
from shared.events import UPCASTERS, upcast
from shared.events.base import Event, utc_now
from shared.events.streams import dlq_name
from shared.messaging import envelope
from shared.messaging.slices import SlicePacer
from shared.observability.context import bind_correlation_id, reset_correlation_id
from shared.observability.logging import get_logger
from shared.observability.metrics import DEAD_LETTERS, EVENT_HANDLE_SECONDS, EVENTS_CONSUMED

log = get_logger(__name__)

# Every handler takes a batch: the events one read returned for one stream, deduplicated,
# claimed and in stream order, applied in one transaction. A handler loads what the batch
# touches once, writes with bulk statements and emits with one `uow.emit(*events)`.
Handler = Callable[[Sequence[Any], UnitOfWork], Awaitable[None]]
DATA_FIELD = b"__data__"


class PoisonMessage(Exception):
    """A message that can never be applied (unreadable or invalid): dead-letter it now."""


@dataclass(frozen=True)
class SubscriptionMetrics:
    """The labelled children of one subscription, resolved once (not per event)."""

    applied: Counter
    duplicate: Counter
    failed: Counter
    dead_lettered: Counter
    seconds: Histogram

    @classmethod
    def of(cls, service: str, stream: str) -> SubscriptionMetrics:
        def outcome(name: str) -> Counter:
            return EVENTS_CONSUMED.labels(service, stream, name)  # type: ignore[no-any-return]

        return cls(
            applied=outcome("applied"),
            duplicate=outcome("duplicate"),
            failed=outcome("failed"),
            dead_lettered=outcome("dead_lettered"),
            seconds=EVENT_HANDLE_SECONDS.labels(service, stream),
        )


@dataclass(frozen=True)
class Subscription:
    event_cls: type[Event]
    handler: Handler
    stream: str
    metrics: SubscriptionMetrics
    # Read from a priority lane: its transactions go before ordinary writers waiting.
    urgent: bool = False


class EventProcessor:
    """Parses entries and applies events with their idempotency record; no Redis reads."""

    def __init__(self, db: Database, redis: Redis, *, service: str, dlq_maxlen: int) -> None:
        self.db = db
        self.redis = redis
        self.service = service
        self.dlq_maxlen = dlq_maxlen

    def parse(self, sub: Subscription, fields: dict[bytes, bytes]) -> Event:
        raw = fields.get(DATA_FIELD)
        try:
            body = envelope.body_of(raw) if raw else fields[b"payload"]
            if UPCASTERS:
                return sub.event_cls.model_validate(upcast(json.loads(body)))
            return sub.event_cls.model_validate_json(body)
        except Exception as exc:  # whatever cannot be read now never will be
            raise PoisonMessage(f"{type(exc).__name__}: {_first_line(exc)}") from exc

    async def apply_one(self, sub: Subscription, event: Event) -> str:
        """Apply one event in its own transaction. Returns "applied" or "duplicate"."""
        applied = await self.apply_many(sub, [event])
        return "applied" if applied else "duplicate"

    async def apply_many(
        self, sub: Subscription, events: Sequence[Event], pacer: SlicePacer | None = None
    ) -> int:
        """Apply a batch in one transaction, all or nothing: one idempotency claim, one
        handler call with the events not applied before, one commit. Returns how many were
        applied; the caller falls back to `apply_one` per event when it raises. `pacer`
        is told how long the transaction held the writer."""
        started = time.perf_counter()
        async with self.db.unit_of_work(urgent=sub.urgent) as uow:
            held_from = time.perf_counter()
            fresh = await self._claim(uow, events)
            if fresh:
                await self._handle(sub, uow, fresh)
        if pacer is not None:
            pacer.observe(len(events), time.perf_counter() - held_from)
        metrics = sub.metrics
        metrics.seconds.observe(time.perf_counter() - started)
        metrics.applied.inc(len(fresh))
        if len(events) > len(fresh):
            metrics.duplicate.inc(len(events) - len(fresh))
        return len(fresh)

    async def dead_letter(
        self,
        sub: Subscription,
        entry_id: bytes,
        fields: dict[bytes, bytes],
        *,
        reason: str,
        error: str,
        deliveries: int,
    ) -> None:
        """Copy the entry to `<stream>.dlq` with why it failed; the caller then acks it."""
        await self.redis.xadd(
            dlq_name(sub.stream),
            {
                **fields,  # type: ignore[dict-item]
                b"x-original-id": entry_id,
                b"x-group": self.service.encode(),
                b"x-reason": reason.encode(),
                b"x-error": error[:500].encode(),
                b"x-deliveries": str(deliveries).encode(),
                b"x-failed-at": utc_now().isoformat().encode(),
            },
            maxlen=self.dlq_maxlen,
            approximate=True,
        )
        DEAD_LETTERS.labels(self.service, sub.stream, reason).inc()
        sub.metrics.dead_lettered.inc()
        log.error(
            "event_dead_lettered",
            stream=sub.stream,
            entry_id=entry_id.decode(),
            reason=reason,
            deliveries=deliveries,
        )

    async def _claim(self, uow: UnitOfWork, events: Sequence[Event]) -> list[Event]:
        """Write the idempotency records; return the events not applied before, in order.

        One INSERT .. ON CONFLICT DO NOTHING RETURNING: a record already there (or being
        written by another replica, whose commit we wait for) returns nothing. It commits or
        rolls back with the handler's effect."""
        unique = list({e.event_id: e for e in events}.values())
        processed = uow.tables.processed_events
        now = utc_now()
        rows = [
            {
                "event_id": e.event_id,
                "tenant_id": e.tenant_id,
                "event_type": e.event_type,
                "processed_at": now,
            }
            for e in unique
        ]
        if uow.on_postgresql:
            # One unnest() statement, prepared once for any batch size (`shared.db.unnest`).
            taken = await unnest.insert_new_in(await uow.session.connection(), processed, rows)
            claimed = {key for (key,) in taken}
        else:
            # Executemany, not a VALUES list: the statement compiles once and stays cached,
            # and the driver sends the rows as one multi-row INSERT (insertmanyvalues).
            claim = (
                upsert_insert(uow.session, processed)
                .on_conflict_do_nothing(index_elements=["event_id"])
                .returning(processed.c.event_id)
            )
            claimed = set(await uow.session.scalars(claim, rows))
        return [e for e in unique if e.event_id in claimed]

    async def _handle(self, sub: Subscription, uow: UnitOfWork, events: list[Event]) -> None:
        # A batch mixes requests: the first event's correlation id stands for it in logs
        # (each event carries its own onward, in the events a handler emits).
        token = bind_correlation_id(events[0].correlation_id)
        try:
            await sub.handler(events, uow)
        finally:
            reset_correlation_id(token)


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
