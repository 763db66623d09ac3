"""The one subscribe helper every service uses, and the service's publishing side.

Per subscription, two FastStream subscribers share the service's consumer group:
- the reader (XREADGROUP, a batch at a time: what one read returns is one unit) for new
  entries;
- the reclaimer (XAUTOCLAIM after `reclaim_idle_ms`) for entries left pending by a handler
  that failed or a consumer that died. It counts deliveries and dead-letters past the cap.
Groups are created at id 0 before the broker starts, so events published before a service's
first start are not lost (FastStream would create them at `$`): `shared.messaging.groups`.
What the two deliver is handled by `shared.messaging.delivery`.
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
from sqlalchemy import func, select

from shared.cancellation import raise_if_cancelling
from shared.db.database import Database
from shared.events.base import Event
from shared.events.streams import lane_name, stream_name
from shared.messaging.consumer import EventProcessor, Handler, Subscription, SubscriptionMetrics
from shared.messaging.delivery import URGENT_RELAY_WAIT_S, Delivery, unparsed_batch
from shared.messaging.groups import (
    FORGET_STALE_CONSUMERS,
    all_caught_up,
    create_group,
    forget_stale_consumers,
    leave_group,
    refresh_gauges,
)
from shared.messaging.outbox import OutboxRelay
from shared.messaging.slices import SlicePacer
from shared.observability.logging import get_logger
from shared.settings import ServiceSettings

# Names that moved to `delivery` and `groups`, still importable from here.
__all__ = ["BROKER_LOGGER", "FORGET_STALE_CONSUMERS", "URGENT_RELAY_WAIT_S", "EventBus"]

log = get_logger(__name__)
BROKER_LOGGER = "spinefit.broker"


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
        # What the subscribers deliver is handled there (`shared.messaging.delivery`).
        self.delivery = Delivery(
            settings, self.processor, self.relay, self.redis, self.subscriptions
        )
        self._subscribers: list[Any] = []
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
            self.delivery.pacers[stream] = SlicePacer(s.ordinary_slice_ms / 1000, most=s.batch_size)
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
            await self.delivery.batch(sub, msg)

        reader(on_batch, parser=unparsed_batch)
        reclaimer = self.broker.subscriber(
            stream=StreamSub(sub.stream, min_idle_time=s.reclaim_idle_ms, **common),
            include_in_schema=False,
        )

        async def on_reclaimed(msg: RedisStreamMessage) -> None:
            await self.delivery.reclaimed(sub, msg)

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
        for stream in sorted({sub.stream for sub in self.subscriptions}):
            await leave_group(self.redis, stream, self.group, self.settings.consumer_name)

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
            raise_if_cancelling()  # swallowed by a Redis call (shared.cancellation)

    async def ensure_groups(self) -> None:
        for sub in self.subscriptions:
            await create_group(self.redis, sub.stream, self.group)
            await self._forget_stale_consumers(sub.stream)

    async def _forget_stale_consumers(self, stream: str) -> None:
        idle_ms = int(self.settings.stale_consumer_after_s * 1000)
        keep = self.settings.consumer_name
        await forget_stale_consumers(self.redis, stream, self.group, idle_ms=idle_ms, keep=keep)

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
            if not unpublished and await all_caught_up(self.redis, stream):
                return True
            self.processor.db.outbox_signal.set()
            await asyncio.sleep(0.02)
        return False

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
            if not await refresh_gauges(self.redis, self.service, sub.stream, self.group):
                found.append(f"consumer group missing on {sub.stream}")
        return found


async def _message_itself(msg: Any) -> Any:
    return msg
