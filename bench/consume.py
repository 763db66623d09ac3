"""Consumption: events/s through the EventBus helper (one message at a time, then batches),
with its idempotency record, the handler's effect and an outbox row per event, next to a bare
redis-py XREADGROUP loop that only parses the same events.

One stream under the run's prefix is filled once through a real outbox (that pass is the
relay's own throughput); each variant then reads all of it in a consumer group of its own.
"""

from __future__ import annotations

import asyncio
import statistics
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from time import perf_counter, process_time
from typing import Any, ClassVar, Literal, cast

from faststream.redis.parser import BinaryMessageFormatV1
from redis.asyncio import Redis
from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, func, insert, select

from bench.common import BenchError, Databases, wait_until
from shared.db.database import Database
from shared.db.platform_tables import PlatformTables, platform_tables
from shared.db.uow import UnitOfWork
from shared.events.base import UserEvent, utc_now
from shared.events.painlog import MorningContext, PainLogged
from shared.events.streams import stream_name
from shared.messaging.bus import EventBus
from shared.messaging.consumer import DATA_FIELD
from shared.messaging.outbox import OutboxRelay
from shared.settings import ServiceSettings

# Emitting in chunks keeps each filling transaction (and SQLite's write lock) short.
FILL_CHUNK = 500
# The bare loop is over in tens of milliseconds: run it this often (a group each), take the median.
BARE_RUNS = 5
# XREADGROUP's answer without decode_responses: [(stream, [(entry id, {field: value})])].
StreamResponse = list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]] | None


class FollowUp(UserEvent):
    """What the benchmark handler emits for each event: a row in its outbox, on a stream of
    its own (so it is never read back by the groups being measured)."""

    TYPE: ClassVar[str] = "bench-follow-up"
    event_type: Literal["bench-follow-up"] = "bench-follow-up"
    schema_version: Literal[1] = 1
    source_event_id: uuid.UUID
    level: int


class SourceSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "bench_src"


class SingleSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "bench_single"


class BatchSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "bench_batch"


@dataclass(frozen=True)
class ConsumeConfig:
    redis_url: str
    databases: Databases
    prefix: str
    events: int
    batch_size: int
    timeout_s: float

    @property
    def stream(self) -> str:
        return stream_name(self.prefix, PainLogged.TYPE)

    def settings(self, cls: type[ServiceSettings], **overrides: Any) -> ServiceSettings:
        values: dict[str, Any] = {
            "redis_url": self.redis_url,
            "database_url": self.databases.url(cls.SERVICE),
            "stream_prefix": self.prefix,
            # Never trim the events under measurement away.
            "stream_maxlen": max(100_000, 2 * self.events),
            "log_level": "WARNING",
            "log_json": False,
        }
        values.update(overrides)
        return cls(**values)


@dataclass(frozen=True)
class Rate:
    """`count` things in `seconds`, plus what a reader needs to interpret it."""

    label: str
    count: int
    seconds: float
    note: str = ""

    @property
    def per_s(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else float("inf")


def service_tables(service: str) -> tuple[MetaData, PlatformTables, Table]:
    """A benchmark service's tables, prefixed with its name (one PostgreSQL database is
    shared by all of them): the platform tables and the handler's effect."""
    metadata = MetaData()
    platform = platform_tables(metadata, service)
    applied = Table(
        f"{service}_applied",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", Uuid, nullable=False),
        Column("tenant_id", String(64), nullable=False),
        Column("user_id", String(128), nullable=False),
        Column("level", Integer, nullable=False),
    )
    return metadata, platform, applied


def make_database(settings: ServiceSettings) -> tuple[Database, Table]:
    metadata, platform, applied = service_tables(settings.SERVICE)
    db = Database(
        settings.resolved_database_url,
        service=settings.SERVICE,
        metadata=metadata,
        tables=platform,
        migrations=None,
    )
    return db, applied


def make_events(n: int) -> list[PainLogged]:
    """`n` realistic pain logs: a few users of one tenant, morning context on some."""
    now = utc_now()
    events = []
    for i in range(n):
        morning = (
            MorningContext(hours_sat=6.5, heavy_lifting=False, sleep_hours=7.0, stress=i % 11)
            if i % 3 == 0
            else None
        )
        events.append(
            PainLogged(
                tenant_id="tn_bench",
                user_id=f"u-{i % 200}",
                log_id=uuid.uuid4().hex,
                observed_at=now,
                level=i % 11,
                context="next_morning" if morning else "after_exercise",
                exercise_id=None if morning else "glute-bridge",
                qualities=("ache", "tingling") if i % 2 else ("ache",),
                locations=("lower_back", "buttock"),
                morning=morning,
            )
        )
    return events


def _chunks(items: Sequence[PainLogged], size: int) -> Iterator[Sequence[PainLogged]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def fill_stream(cfg: ConsumeConfig, redis: Redis) -> Rate:
    """Write the events to a producer's outbox, then relay them to the stream the way a
    service does (`OutboxRelay.relay_once` until empty). Returns the relay's throughput."""
    settings = cfg.settings(SourceSettings)
    db, _ = make_database(settings)
    relay = OutboxRelay(
        db,
        redis,
        prefix=settings.stream_prefix,
        maxlen=settings.stream_maxlen,
        batch=settings.outbox_batch,
        poll_s=settings.outbox_poll_s,
    )
    try:
        await asyncio.wait_for(db.migrate(), timeout=60)
        for chunk in _chunks(make_events(cfg.events), FILL_CHUNK):
            async with db.unit_of_work() as uow:
                await uow.emit(*chunk)
        relayed = 0
        started = perf_counter()
        deadline = started + cfg.timeout_s
        while relayed < cfg.events:
            if perf_counter() > deadline:
                raise BenchError(f"outbox relay: {relayed}/{cfg.events} after {cfg.timeout_s}s")
            got = await asyncio.wait_for(relay.relay_once(), timeout=cfg.timeout_s)
            if got == 0:
                raise BenchError(f"outbox relay found nothing left after {relayed} events")
            relayed += got
        elapsed = perf_counter() - started
    finally:
        await db.dispose()
    length = await redis.xlen(cfg.stream)
    if length != cfg.events:
        raise BenchError(f"stream {cfg.stream} holds {length} entries, expected {cfg.events}")
    return Rate("outbox relay", relayed, elapsed, f"batch {settings.outbox_batch}, outbox to Redis")


class HelperService:
    """A throwaway service on the real helper: per event, the bus writes the idempotency
    record and the handler inserts one row and emits one follow-up event to the outbox."""

    def __init__(self, settings: ServiceSettings, *, batch: bool) -> None:
        self.settings = settings
        self.db, self.applied = make_database(settings)
        self.bus = EventBus(settings, self.db)
        self.calls = 0
        self.first_call: float | None = None
        self.bus.subscribe(PainLogged, self.handle, batch=batch)

    async def handle(self, event: PainLogged, uow: UnitOfWork) -> None:
        if self.first_call is None:
            self.first_call = perf_counter()
        self.calls += 1
        await uow.session.execute(
            insert(self.applied).values(
                event_id=event.event_id,
                tenant_id=event.tenant_id,
                user_id=event.user_id,
                level=event.level,
            )
        )
        await uow.emit(
            FollowUp(
                tenant_id=event.tenant_id,
                user_id=event.user_id,
                source_event_id=event.event_id,
                level=event.level,
            )
        )

    async def counts(self) -> tuple[int, int, int]:
        """(effect rows, idempotency records, follow-ups relayed so far)."""
        outbox = self.db.tables.outbox
        async with self.db.read() as session:
            applied = await session.scalar(select(func.count()).select_from(self.applied))
            processed = await session.scalar(
                select(func.count()).select_from(self.db.tables.processed_events)
            )
            relayed = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_not(None))
            )
        return applied or 0, processed or 0, relayed or 0


async def group_done(redis: Redis, stream: str, group: str, last_id: bytes) -> bool:
    """The group has been handed every entry up to `last_id` and acknowledged them all."""
    for g in await redis.xinfo_groups(stream):
        if g["name"] == group.encode():
            return bool(g["last-delivered-id"] == last_id and g["pending"] == 0)
    return False


async def run_helper(cfg: ConsumeConfig, redis: Redis, *, batch: bool) -> Rate:
    if batch:
        settings = cfg.settings(BatchSettings, batch_size=cfg.batch_size)
    else:
        settings = cfg.settings(SingleSettings)
    service = HelperService(settings, batch=batch)
    group = service.bus.group
    last_id: bytes = (await redis.xinfo_stream(cfg.stream))["last-generated-id"]
    try:
        await asyncio.wait_for(service.db.migrate(), timeout=60)
        wall_before, cpu_before = perf_counter(), process_time()
        await asyncio.wait_for(service.bus.start(), timeout=30)
        try:
            await wait_until(
                lambda: group_done(redis, cfg.stream, group, last_id),
                timeout=cfg.timeout_s,
                what=f"group {group} to acknowledge {cfg.events} events",
                every=0.01,
            )
        except BenchError as exc:
            raise BenchError(f"{exc}; the handler ran {service.calls} times") from None
        finished = perf_counter()
        cpu = (process_time() - cpu_before) / (finished - wall_before)
        # The relay runs beside the consumer, as in the real service; give it a moment to
        # publish the last follow-ups so the count below says whether it kept up.
        await asyncio.sleep(0.2)
        applied, processed, relayed = await asyncio.wait_for(service.counts(), timeout=30)
    finally:
        try:
            await asyncio.wait_for(service.bus.stop(), timeout=30)
        finally:
            await service.db.dispose()
    if service.first_call is None:
        raise BenchError(f"{group}: the handler was never called")
    if applied != cfg.events or processed != cfg.events:
        raise BenchError(
            f"{group}: {applied} effect rows and {processed} idempotency records "
            f"for {cfg.events} events"
        )
    elapsed = finished - service.first_call
    return Rate(
        f"helper {'batch' if batch else 'single'}",
        cfg.events,
        elapsed,
        f"COUNT {settings.batch_size}, 1 tx per {'batch' if batch else 'event'}, "
        f"relay on ({relayed}/{cfg.events} follow-ups out), cpu {cpu:.0%}",
    )


async def run_bare(cfg: ConsumeConfig, redis: Redis, group: str) -> Rate:
    """XREADGROUP COUNT batch_size in a group of its own, parse every entry with pydantic,
    XACK per batch. No database, no idempotency, no outbox."""
    await redis.xgroup_create(cfg.stream, group, id="0")
    handled = 0
    cpu_before = process_time()
    started = perf_counter()
    deadline = started + cfg.timeout_s
    while handled < cfg.events:
        if perf_counter() > deadline:
            raise BenchError(f"bare loop: {handled}/{cfg.events} after {cfg.timeout_s}s")
        response = cast(
            StreamResponse,
            await redis.xreadgroup(
                group, "bare-1", {cfg.stream: ">"}, count=cfg.batch_size, block=100
            ),
        )
        for _stream, entries in response or []:
            ids = []
            for entry_id, fields in entries:
                body, _headers = BinaryMessageFormatV1.parse(fields[DATA_FIELD])
                PainLogged.model_validate_json(body)
                ids.append(entry_id)
            if ids:
                await redis.xack(cfg.stream, group, *ids)
                handled += len(ids)
    elapsed = perf_counter() - started
    cpu = (process_time() - cpu_before) / elapsed
    return Rate(
        "bare redis-py",
        handled,
        elapsed,
        f"COUNT {cfg.batch_size}, pydantic, XACK per batch, cpu {cpu:.0%}",
    )


@dataclass(frozen=True)
class ConsumeResults:
    relay: Rate
    single: Rate
    batch: Rate
    bare: Rate


async def run_consume(cfg: ConsumeConfig, log: Callable[[str], None]) -> ConsumeResults:
    redis = Redis.from_url(cfg.redis_url, socket_timeout=30)
    try:
        log("consume: filling the outbox and relaying it to the stream")
        relay = await fill_stream(cfg, redis)
        log(f"consume: helper, single-message mode ({relay.per_s:,.0f} ev/s relayed)")
        single = await run_helper(cfg, redis, batch=False)
        log(f"consume: helper, batch mode ({single.per_s:,.0f} ev/s single)")
        batch = await run_helper(cfg, redis, batch=True)
        log(f"consume: bare redis-py loop x{BARE_RUNS} ({batch.per_s:,.0f} ev/s batch)")
        bares = [await run_bare(cfg, redis, f"bench_bare_{i}") for i in range(BARE_RUNS)]
    finally:
        await redis.aclose()
    bare = sorted(bares, key=lambda r: r.seconds)[len(bares) // 2]
    spread = statistics.pstdev(r.per_s for r in bares) / bare.per_s
    bare = Rate(
        bare.label, bare.count, bare.seconds, f"{bare.note}, median of {BARE_RUNS} (±{spread:.0%})"
    )
    return ConsumeResults(relay=relay, single=single, batch=batch, bare=bare)
