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

from faststream.redis.parser import BinaryMessageFormatV1
from redis.asyncio import Redis

from shared.db.database import Database
from shared.db.dialect import upsert_insert
from shared.db.uow import UnitOfWork
from shared.events import UPCASTERS, upcast
from shared.events.base import Event, utc_now
from shared.events.streams import dlq_name
from shared.observability.context import bind_correlation_id, reset_correlation_id
from shared.observability.logging import get_logger
from shared.observability.metrics import DEAD_LETTERS, EVENT_HANDLE_SECONDS, EVENTS_CONSUMED

log = get_logger(__name__)

Handler = Callable[[Any, UnitOfWork], Awaitable[None]]
DATA_FIELD = b"__data__"


class PoisonMessage(Exception):
    """A message that can never be applied (unreadable or invalid): dead-letter it now."""


@dataclass(frozen=True)
class Subscription:
    event_cls: type[Event]
    handler: Handler
    stream: str
    batch: bool


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
            body = BinaryMessageFormatV1.parse(raw)[0] if raw else fields[b"payload"]
            if UPCASTERS:
                return sub.event_cls.model_validate(upcast(json.loads(body)))
            return sub.event_cls.model_validate_json(body)
        except Exception as exc:  # whatever cannot be read now never will be
            raise PoisonMessage(f"{type(exc).__name__}: {_first_line(exc)}") from exc

    async def apply_one(self, sub: Subscription, event: Event) -> str:
        """Apply one event in its own transaction. Returns "applied" or "duplicate"."""
        started = time.perf_counter()
        async with self.db.unit_of_work() as uow:
            fresh = await self._claim(uow, [event])
            if fresh:
                await self._handle(sub, uow, event)
        EVENT_HANDLE_SECONDS.labels(self.service, sub.stream).observe(time.perf_counter() - started)
        outcome = "applied" if fresh else "duplicate"
        EVENTS_CONSUMED.labels(self.service, sub.stream, outcome).inc()
        return outcome

    async def apply_many(self, sub: Subscription, events: Sequence[Event]) -> None:
        """Apply a batch in one transaction (all or nothing); the caller falls back to
        `apply_one` per event when it raises."""
        started = time.perf_counter()
        async with self.db.unit_of_work() as uow:
            fresh = await self._claim(uow, events)
            for event in fresh:
                await self._handle(sub, uow, event)
        EVENT_HANDLE_SECONDS.labels(self.service, sub.stream).observe(time.perf_counter() - started)
        EVENTS_CONSUMED.labels(self.service, sub.stream, "applied").inc(len(fresh))
        if len(events) > len(fresh):
            EVENTS_CONSUMED.labels(self.service, sub.stream, "duplicate").inc(
                len(events) - len(fresh)
            )

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
        EVENTS_CONSUMED.labels(self.service, sub.stream, "dead_lettered").inc()
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
        claimed = set(
            await uow.session.scalars(
                upsert_insert(uow.session, processed)
                .values(
                    [
                        {
                            "event_id": e.event_id,
                            "tenant_id": e.tenant_id,
                            "event_type": e.event_type,
                            "processed_at": now,
                        }
                        for e in unique
                    ]
                )
                .on_conflict_do_nothing(index_elements=["event_id"])
                .returning(processed.c.event_id)
            )
        )
        return [e for e in unique if e.event_id in claimed]

    async def _handle(self, sub: Subscription, uow: UnitOfWork, event: Event) -> None:
        token = bind_correlation_id(event.correlation_id)
        try:
            await sub.handler(event, uow)
        finally:
            reset_correlation_id(token)


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
