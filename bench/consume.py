"""`bus`: durable events/s through the subscribe helper (shared/messaging/bus.py) next to the
bare redis-py loop, on the same stream, interleaved (bare, ours, bare, ours, ...).

The helper's handler does what a real one does per event: the bus writes the idempotency
record, the handler inserts one row and emits one follow-up event to the outbox, all in the
bus's transaction. The handler accepts either calling convention of the helper: one event
(`h(event, uow)`) or the batch of one read (`h(events, uow)`), and the subscription asks for
batch mode where the helper still has the choice.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any, ClassVar, Literal

from redis.asyncio import Redis
from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, insert

from bench.common import BenchError, wait_until
from bench.report import Progress, Report
from bench.streams import Rate, bare_consume, encode_all, group_caught_up, xadd_all
from shared.db.database import Database
from shared.db.platform_tables import platform_tables
from shared.events.base import UserEvent, utc_now
from shared.events.painlog import MorningContext, PainLogged
from shared.events.streams import stream_name
from shared.messaging.bus import EventBus
from shared.settings import ServiceSettings


class FollowUp(UserEvent):
    """What the benchmark handler emits per event, on a stream of its own."""

    TYPE: ClassVar[str] = "bench-follow-up"
    event_type: Literal["bench-follow-up"] = "bench-follow-up"
    schema_version: Literal[1] = 1
    source_event_id: uuid.UUID
    level: int


@dataclass(frozen=True)
class BusConfig:
    redis_url: str
    database_url: str
    prefix: str
    events: int
    repeats: int
    timeout_s: float
    batch_size: int | None = None  # None: the helper's default (settings)


def make_events(n: int) -> list[PainLogged]:
    """`n` pain logs of 200 users of one tenant, a third with a morning context."""
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


class HelperService:
    """A throwaway service on the real helper, its tables prefixed with its own name."""

    def __init__(self, cfg: BusConfig, name: str) -> None:
        settings_cls = type(f"Settings_{name}", (ServiceSettings,), {"SERVICE": name})
        values: dict[str, Any] = {
            "redis_url": cfg.redis_url,
            "database_url": cfg.database_url,
            "stream_prefix": cfg.prefix,
            "stream_maxlen": 1_000_000,
            "log_level": "WARNING",
            "log_json": False,
        }
        if cfg.batch_size:
            values["batch_size"] = cfg.batch_size
        self.settings: ServiceSettings = settings_cls(**values)
        metadata = MetaData()
        self.applied = Table(
            f"{name}_applied",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("event_id", Uuid, nullable=False),
            Column("tenant_id", String(64), nullable=False),
            Column("user_id", String(128), nullable=False),
            Column("level", Integer, nullable=False),
        )
        self.db = Database(
            self.settings.resolved_database_url,
            service=name,
            metadata=metadata,
            tables=platform_tables(metadata, name),
            migrations=None,
        )
        self.bus = EventBus(self.settings, self.db)
        self.calls = 0
        self.first_call: float | None = None
        kwargs: dict[str, Any] = (
            {"batch": True} if "batch" in inspect.signature(self.bus.subscribe).parameters else {}
        )
        self.bus.subscribe(PainLogged, self.handle, **kwargs)

    async def handle(self, events: PainLogged | Sequence[PainLogged], uow: Any) -> None:
        if self.first_call is None:
            self.first_call = perf_counter()
        batch = [events] if isinstance(events, PainLogged) else list(events)
        self.calls += 1
        await uow.session.execute(
            insert(self.applied),
            [
                {
                    "event_id": e.event_id,
                    "tenant_id": e.tenant_id,
                    "user_id": e.user_id,
                    "level": e.level,
                }
                for e in batch
            ],
        )
        await uow.emit(
            *(
                FollowUp(
                    tenant_id=e.tenant_id,
                    user_id=e.user_id,
                    source_event_id=e.event_id,
                    level=e.level,
                )
                for e in batch
            )
        )


async def _at_least(redis: Redis, stream: str, n: int) -> bool:
    return bool(await redis.exists(stream)) and int(await redis.xlen(stream)) >= n


async def run_helper(cfg: BusConfig, redis: Redis, stream: str, name: str, index: int) -> Rate:
    """A new group reads the whole stream: from the first handler call to the last XACK."""
    service = HelperService(cfg, name)
    try:
        await asyncio.wait_for(service.db.migrate(), timeout=60)
        await asyncio.wait_for(service.bus.start(), timeout=30)
        await wait_until(
            lambda: group_caught_up(redis, [stream], service.bus.group),
            timeout=cfg.timeout_s,
            what=f"group {name} to acknowledge {cfg.events} events",
            every=0.02,  # polling XINFO steals the loop the helper runs on
        )
        finished = perf_counter()
        # Untimed: let the relay publish the follow-ups before stopping, so that no relay
        # pass is cancelled in the middle of its transaction.
        follow_ups = stream_name(cfg.prefix, FollowUp.TYPE)
        with contextlib.suppress(BenchError):
            await wait_until(
                lambda: _at_least(redis, follow_ups, cfg.events * (index + 1)),
                timeout=30,
                what="the follow-ups to be relayed",
            )
    finally:
        try:
            await asyncio.wait_for(service.bus.stop(), timeout=30)
        finally:
            await service.db.dispose()
    if service.first_call is None:
        raise BenchError(f"{name}: the handler was never called")
    return Rate(cfg.events, finished - service.first_call)


async def run_bus(cfg: BusConfig, report: Report, label: str, log: Progress) -> None:
    stream = stream_name(cfg.prefix, PainLogged.TYPE)
    redis = Redis.from_url(cfg.redis_url, socket_timeout=30)
    try:
        batch = await encode_all(cfg.prefix, make_events(cfg.events))
        await xadd_all(redis, batch)
        ours: list[float] = []
        bare: list[float] = []
        for i in range(cfg.repeats):
            b = await bare_consume(
                redis,
                {stream: b"0-0"},
                {stream: PainLogged},
                cfg.events,
                group=f"bare_{i}",
                timeout_s=cfg.timeout_s,
            )
            o = await run_helper(cfg, redis, stream, f"bench_bus_{i}", i)
            log(f"bus {label} run {i + 1}: bare {b.per_s:,.0f}/s, helper {o.per_s:,.0f}/s")
            bare.append(b.per_s)
            ours.append(o.per_s)
    finally:
        await redis.aclose()
    report.ratio(
        f"bus_ratio_{label}",
        ours,
        bare,
        unit="ev/s",
        note=f"{cfg.events:,} PainLogged; idempotency + row + outbox event each",
    )
