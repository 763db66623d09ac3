"""What the bus does with what its subscribers deliver.

A reader's batch (one XREADGROUP answer) is one unit: one claim, one handler call, one
commit, one XACK; if it fails, each entry is tried alone and those that fail stay pending.
The reclaimer's entry (left pending by a handler that failed or a consumer that died) is
retried alone and dead-lettered once it has failed `max_deliveries` times. Beside a priority
lane, ordinary batches wait while an urgent one is applied and relayed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from faststream.redis.message import RedisBatchStreamMessage, RedisStreamMessage
from redis.asyncio import Redis

from shared.events.base import Event
from shared.messaging.consumer import EventProcessor, PoisonMessage, Subscription
from shared.messaging.outbox import OutboxRelay
from shared.messaging.slices import SlicePacer
from shared.observability.logging import get_logger
from shared.settings import ServiceSettings

log = get_logger(__name__)
# How long ordinary slices wait, at most, for an urgent batch's events to be relayed.
URGENT_RELAY_WAIT_S = 0.25


class Delivery:
    def __init__(
        self,
        settings: ServiceSettings,
        processor: EventProcessor,
        relay: OutboxRelay,
        redis: Redis,
        subscriptions: list[Subscription],
    ) -> None:
        self.settings = settings
        self.group = settings.SERVICE
        self.processor = processor
        self.db = processor.db
        self.relay = relay
        self.redis = redis
        self.subscriptions = subscriptions  # the bus's own list: it grows as it subscribes
        # Ordinary streams' slice sizes (SQLite, beside a priority lane).
        self.pacers: dict[str, SlicePacer] = {}
        # Urgent batches being applied or relayed now; ordinary slices wait while there are.
        self._urgent_in_flight = 0
        self._no_urgent = asyncio.Event()
        self._no_urgent.set()

    async def reclaimed(self, sub: Subscription, msg: RedisStreamMessage) -> None:
        """An entry left pending (its handler failed, or its consumer died): retried alone,
        dead-lettered once it has failed `max_deliveries` times."""
        raw = msg.raw_message
        entry_id, fields = raw["message_ids"][0], raw["data"]
        deliveries = await msg.get_delivery_count()
        try:
            event = self.processor.parse(sub, fields)
        except PoisonMessage as exc:
            await self.processor.dead_letter(
                sub, entry_id, fields, reason="invalid", error=str(exc), deliveries=deliveries
            )
            return
        try:
            await self.processor.apply_one(sub, event)
        except Exception as exc:
            # The last allowed attempt failed: dead-letter it, unless the database is down.
            # An outage is not the event's fault; it stays pending and is retried after.
            if deliveries >= self.settings.max_deliveries and await self._database_answers():
                await self.processor.dead_letter(
                    sub,
                    entry_id,
                    fields,
                    reason="max_deliveries",
                    error=f"{type(exc).__name__}: handler kept failing",
                    deliveries=deliveries,
                )
                return
            # Left pending: the reclaimer retries it after reclaim_idle_ms.
            self._failed(sub, event, deliveries)
            raise

    def _failed(self, sub: Subscription, event: Event, deliveries: int) -> None:
        sub.metrics.failed.inc()
        log.warning(
            "event_failed",
            stream=sub.stream,
            event_id=str(event.event_id),
            deliveries=deliveries,
            exc_info=True,
        )

    async def _database_answers(self) -> bool:
        try:
            await self.db.ping()
        except Exception:
            log.warning("database_unreachable_event_kept_pending")
            return False
        return True

    async def batch(self, sub: Subscription, msg: RedisBatchStreamMessage) -> None:
        if not sub.urgent:
            await self._handle_entries(sub, msg.raw_message)
            return
        # Urgent: the service's ordinary slices wait until this batch is applied and what it
        # emitted is on its streams (its relay pass would share the event loop with them).
        self._urgent_in_flight += 1
        self._no_urgent.clear()
        try:
            await self._handle_entries(sub, msg.raw_message)
        finally:
            self._urgent_in_flight -= 1
            if not self._urgent_in_flight:
                self._no_urgent.set()

    async def _handle_entries(self, sub: Subscription, raw: Any) -> None:
        done: list[bytes] = []
        parsed: list[tuple[bytes, Event]] = []
        for entry_id, fields in zip(raw["message_ids"], raw["data"], strict=True):
            try:
                parsed.append((entry_id, self.processor.parse(sub, fields)))
            except PoisonMessage as exc:
                await self.processor.dead_letter(
                    sub, entry_id, fields, reason="invalid", error=str(exc), deliveries=1
                )
                done.append(entry_id)
        # Beside a priority lane, an ordinary batch waits while an urgent one is applied and,
        # on SQLite, goes in slices (`shared.messaging.slices`), each committed before the
        # next starts, so an urgent event waits for SQLite's writer lock one slice at most.
        # (On PostgreSQL their transactions run side by side: slices would only cost.)
        behind = not sub.urgent and self._has_lanes()
        pacer = self.pacers.get(sub.stream) if behind and self._one_writer else None
        start = 0
        while start < len(parsed):
            if behind:
                await self._no_urgent.wait()
            size = pacer.size() if pacer is not None else len(parsed)
            done += await self._apply(sub, parsed[start : start + size], pacer)
            start += size
        # Committed just now with outbox rows (the signal is set until a pass starts): the
        # relay's next pass publishes them.
        relay_from = self.relay.passes if self.db.outbox_signal.is_set() else None
        if done:
            await self.redis.xack(sub.stream, self.group, *done)
        if sub.urgent and relay_from is not None:
            await self.relay.published_after(relay_from, URGENT_RELAY_WAIT_S)

    def _has_lanes(self) -> bool:
        return any(s.urgent for s in self.subscriptions)

    @property
    def _one_writer(self) -> bool:
        return self.db.writer is not None

    async def _apply(
        self, sub: Subscription, parsed: list[tuple[bytes, Event]], pacer: SlicePacer | None
    ) -> list[bytes]:
        """Apply parsed entries in one transaction; returns the entries to ack. If it fails,
        each is tried alone; those that fail stay pending for the reclaimer."""
        try:
            await self.processor.apply_many(sub, [e for _, e in parsed], pacer)
            return [entry_id for entry_id, _ in parsed]
        except Exception:
            if len(parsed) == 1:
                self._failed(sub, parsed[0][1], deliveries=1)  # pending, for the reclaimer
                return []
            return await self._isolate_failures(sub, parsed)

    async def _isolate_failures(
        self, sub: Subscription, parsed: list[tuple[bytes, Event]]
    ) -> list[bytes]:
        """Apply a failed batch's events one by one: failures stay pending for the reclaimer
        (which retries and dead-letters them); returns the entries applied, to be acked."""
        done = []
        for entry_id, event in parsed:
            try:
                await self.processor.apply_one(sub, event)
                done.append(entry_id)
            except Exception:
                self._failed(sub, event, deliveries=1)
        return done


async def unparsed_batch(message: Any) -> RedisBatchStreamMessage:
    """The batch as read, undecoded. FastStream's own batch parser decodes every entry's
    JSON and encodes the list again into a body we never use (the processor parses each
    entry into its event once): a third of the consuming cost, for nothing."""
    ids = message["message_ids"]
    first = ids[0].decode() if ids else ""
    return RedisBatchStreamMessage(
        raw_message=message,
        body=b"",
        consumer=None,  # type: ignore[arg-type]  # acked by the bus itself, never by FastStream
        group=None,
        correlation_id=first,
        message_id=first,
    )
