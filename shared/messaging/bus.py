"""The one subscribe helper every service uses, and the service's publishing side.

Per subscription, two FastStream subscribers share the service's consumer group:
- the reader (XREADGROUP, a batch at a time: what one read returns is one unit) for new
  entries;
- the reclaimer (XAUTOCLAIM after `reclaim_idle_ms`) for entries left pending by a handler
  that failed or a consumer that died. It counts deliveries and dead-letters past the cap.
Groups are created at id 0 before the broker starts, so events published before a service's
first start are not lost (FastStream would create them at `$`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from faststream.middlewares import AckPolicy
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.message import RedisBatchStreamMessage, RedisStreamMessage
from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlalchemy import func, select

from shared.db.database import Database
from shared.events.base import Event
from shared.events.streams import lane_name, stream_name
from shared.messaging.consumer import (
    EventProcessor,
    Handler,
    PoisonMessage,
    Subscription,
    SubscriptionMetrics,
)
from shared.messaging.outbox import OutboxRelay
from shared.messaging.slices import SlicePacer
from shared.observability.logging import get_logger
from shared.observability.metrics import STREAM_LAG, STREAM_PENDING
from shared.settings import ServiceSettings

log = get_logger(__name__)
BROKER_LOGGER = "spinefit.broker"
# How long ordinary slices wait, at most, for an urgent batch's events to be relayed.
URGENT_RELAY_WAIT_S = 0.25

# KEYS[1] stream; ARGV group, idle ms, the caller's own name (kept). Deletes, atomically,
# the consumers that hold no pending entry and have been idle longer; returns how many.
FORGET_STALE_CONSUMERS = """
local removed = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local f = {}
  for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
  if f['name'] ~= ARGV[3] and f['pending'] == 0 and f['idle'] > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f['name'])
    removed = removed + 1
  end
end
return removed
"""


class EventBus:
    def __init__(self, settings: ServiceSettings, db: Database) -> None:
        self.settings = settings
        self.service = settings.SERVICE
        self.group = settings.SERVICE
        # apply_types=False and a decoder that hands over the message itself: handlers get
        # the raw entry (ids, fields) with no per-message dependency resolution; we parse.
        self.broker = RedisBroker(
            settings.redis_url,
            apply_types=False,
            decoder=_message_itself,
            logger=logging.getLogger(BROKER_LOGGER),
            log_level=logging.DEBUG,
            graceful_timeout=10,
        )
        # Timeouts: a stalled connection must fail (and be retried), never hang the relay.
        self.redis: Redis = Redis.from_url(
            settings.redis_url,
            socket_timeout=10,
            socket_connect_timeout=5,
            health_check_interval=30,
        )
        self.processor = EventProcessor(
            db, self.redis, service=self.service, dlq_maxlen=settings.stream_maxlen
        )
        self.relay = OutboxRelay(
            db,
            self.redis,
            prefix=settings.stream_prefix,
            maxlen=settings.stream_maxlen,
            batch=settings.outbox_batch,
            poll_s=settings.outbox_poll_s,
        )
        self.subscriptions: list[Subscription] = []
        self._subscribers: list[Any] = []
        self._pacers: dict[str, SlicePacer] = {}
        # Urgent batches being applied or relayed now; ordinary slices wait while there are.
        self._urgent_in_flight = 0
        self._no_urgent = asyncio.Event()
        self._no_urgent.set()
        self._sweeper: asyncio.Task[None] | None = None
        self.started = False

    def stream(self, event_type: str) -> str:
        return stream_name(self.settings.stream_prefix, event_type)

    def subscribe(self, event_cls: type[Event], handler: Handler, *, lane: str = "") -> None:
        """Apply `handler(events, uow)` to every `event_cls` event, once in effect.

        Each XREADGROUP answer (up to `batch_size` entries, fewer at low load: BLOCK returns
        as soon as one entry is there) is one unit: one claim, one handler call, one commit,
        one XACK. `lane` reads the copy of urgent events on `<stream>.<lane>` instead, with
        a reader of its own, so they never wait behind the main stream's backlog: while an
        urgent batch is applied and relayed the service's ordinary batches wait, and on SQLite
        they go in slices of about `ordinary_slice_ms`, so an urgent one waits for the writer
        lock one slice at most."""
        stream = lane_name(self.stream(event_cls.TYPE), lane)
        metrics = SubscriptionMetrics.of(self.service, stream)
        sub = Subscription(event_cls, handler, stream, metrics, urgent=bool(lane))
        self.subscriptions.append(sub)
        s = self.settings
        if not lane:
            self._pacers[stream] = SlicePacer(s.ordinary_slice_ms / 1000, most=s.batch_size)
        common: dict[str, Any] = {
            "group": self.group,
            "consumer": s.consumer_name,
            "polling_interval": s.poll_interval_ms,
        }
        reader = self.broker.subscriber(
            stream=StreamSub(sub.stream, max_records=s.batch_size, batch=True, **common),
            ack_policy=AckPolicy.MANUAL,
        )

        async def on_batch(msg: RedisBatchStreamMessage) -> None:
            await self._handle_batch(sub, msg)

        reader(on_batch, parser=_unparsed_batch)
        reclaimer = self.broker.subscriber(
            stream=StreamSub(sub.stream, min_idle_time=s.reclaim_idle_ms, **common),
            include_in_schema=False,
        )

        async def on_reclaimed(msg: RedisStreamMessage) -> None:
            await self._handle_reclaimed(sub, msg)

        reclaimer(on_reclaimed)
        self._subscribers += [reader, reclaimer]

    async def start(self) -> None:
        await self.ensure_groups()
        await self.broker.start()
        self.relay.start()
        self._sweeper = asyncio.create_task(self._sweep_consumers())
        self.started = True

    async def stop(self) -> None:
        self.started = False
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.broker.stop()  # waits for handlers in flight (graceful_timeout)
        await self.relay.stop()
        with contextlib.suppress(Exception):  # Redis down at stop: the sweep removes it later
            await self._leave_groups()
        await self.redis.aclose()

    async def _leave_groups(self) -> None:
        """Remove this replica's consumer from its groups, where it holds nothing: its name
        dies with the process (a restart reads under a new one). One that still holds
        entries (a handler that failed) is kept, so the reclaimer can take them over."""
        me = self.settings.consumer_name
        for stream in sorted({sub.stream for sub in self.subscriptions}):
            with contextlib.suppress(ResponseError):
                for consumer in await self.redis.xinfo_consumers(stream, self.group):
                    if consumer["name"].decode() == me and consumer["pending"] == 0:
                        await self.redis.xgroup_delconsumer(stream, self.group, me)

    async def _sweep_consumers(self) -> None:
        """Every `consumer_sweep_s`, forget the consumers of dead processes (killed, never
        stopped cleanly) once they hold nothing; a failing sweep is tried again next time."""
        while True:
            await asyncio.sleep(self.settings.consumer_sweep_s)
            for stream in sorted({sub.stream for sub in self.subscriptions}):
                try:
                    await self._forget_stale_consumers(stream)
                except Exception:
                    log.warning("consumer_sweep_failed", stream=stream, exc_info=True)

    async def ensure_groups(self) -> None:
        for sub in self.subscriptions:
            try:
                await self.redis.xgroup_create(sub.stream, self.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
            await self._forget_stale_consumers(sub.stream)

    async def _forget_stale_consumers(self, stream: str) -> None:
        """Replicas get a new consumer name each start; drop old names that hold nothing.
        A consumer with pending entries is kept: deleting it would strand them (the
        reclaimer takes them over, and a later sweep removes it). The check and the delete
        are one script, so an entry delivered in between is never deleted with it. (Redis
        7.0 counts `idle` from the last delivery: a quiet live replica may be removed too,
        which costs nothing: holding nothing, it is created again by its next read.)"""
        await self.redis.eval(
            FORGET_STALE_CONSUMERS,
            1,
            stream,
            self.group,
            int(self.settings.stale_consumer_after_s * 1000),
            self.settings.consumer_name,
        )

    async def wait_consumed(self, event_type: str, timeout_s: float) -> bool:
        """Wait until the outbox has relayed every `event_type` event and every consumer group
        on its stream has taken and acknowledged all of them. Used where a caller must be
        able to rely on the effect elsewhere at once (a new API key). False on timeout."""
        outbox = self.processor.db.tables.outbox
        stream = self.stream(event_type)
        deadline = asyncio.get_running_loop().time() + timeout_s
        while asyncio.get_running_loop().time() < deadline:
            async with self.processor.db.read() as session:
                unpublished = await session.scalar(
                    select(func.count())
                    .select_from(outbox)
                    .where(outbox.c.event_type == event_type, outbox.c.published_at.is_(None))
                )
            if not unpublished and await self._all_groups_caught_up(stream):
                return True
            self.processor.db.outbox_signal.set()
            await asyncio.sleep(0.02)
        return False

    async def _all_groups_caught_up(self, stream: str) -> bool:
        try:
            info = await self.redis.xinfo_stream(stream)
            groups = await self.redis.xinfo_groups(stream)
        except ResponseError:
            return True  # no stream yet: no consumer to wait for
        last = info["last-generated-id"]
        return all(g["last-delivered-id"] == last and g["pending"] == 0 for g in groups)

    async def problems(self) -> list[str]:
        """Why this service should not take traffic; empty when ready."""
        try:
            await self.redis.ping()
        except Exception as exc:
            return [f"redis unreachable: {type(exc).__name__}"]
        found = []
        if self.started:
            found += [
                f"subscriber stopped: {s.stream_sub.name}"
                for s in self._subscribers
                if not getattr(s, "running", True)
            ]
            if not self.relay.alive:
                found.append("outbox relay stopped")
        for sub in self.subscriptions:
            if not await self._refresh_gauges(sub):
                found.append(f"consumer group missing on {sub.stream}")
        return found

    async def _refresh_gauges(self, sub: Subscription) -> bool:
        with contextlib.suppress(ResponseError):
            for g in await self.redis.xinfo_groups(sub.stream):
                if g["name"].decode() == self.group:
                    STREAM_LAG.labels(self.service, sub.stream).set(g.get("lag") or 0)
                    STREAM_PENDING.labels(self.service, sub.stream).set(g["pending"])
                    return True
        return False

    async def _handle_reclaimed(self, sub: Subscription, msg: RedisStreamMessage) -> None:
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
            await self.processor.db.ping()
        except Exception:
            log.warning("database_unreachable_event_kept_pending")
            return False
        return True

    async def _handle_batch(self, sub: Subscription, msg: RedisBatchStreamMessage) -> None:
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
        pacer = self._pacers.get(sub.stream) if behind and self._one_writer else None
        start = 0
        while start < len(parsed):
            if behind:
                await self._no_urgent.wait()
            size = pacer.size() if pacer is not None else len(parsed)
            done += await self._apply(sub, parsed[start : start + size], pacer)
            start += size
        # Committed just now with outbox rows (the signal is set until a pass starts): the
        # relay's next pass publishes them.
        relay_from = self.relay.passes if self.processor.db.outbox_signal.is_set() else None
        if done:
            await self.redis.xack(sub.stream, self.group, *done)
        if sub.urgent and relay_from is not None:
            await self.relay.published_after(relay_from, URGENT_RELAY_WAIT_S)

    def _has_lanes(self) -> bool:
        return any(s.urgent for s in self.subscriptions)

    @property
    def _one_writer(self) -> bool:
        return self.processor.db.writer is not None

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


async def _message_itself(msg: Any) -> Any:
    return msg


async def _unparsed_batch(message: Any) -> RedisBatchStreamMessage:
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
