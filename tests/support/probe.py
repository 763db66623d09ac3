"""A throwaway service used to test the messaging helper on real Redis and real databases.

It consumes `pain-logged` events and records one row per application in `probe_applied`, so
an event applied twice shows up as two rows. `FAIL_EVENTS` makes chosen events raise.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar

from sqlalchemy import Column, Integer, MetaData, String, Table, Uuid, func, insert, select

from shared.db.database import Database
from shared.db.platform_tables import platform_tables
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.painlog import PainLogged
from shared.events.quiz import ReferralReason, UserReferred
from shared.messaging.bus import EventBus
from shared.settings import ServiceSettings
from tests.support.waiting import scaled

metadata = MetaData()
platform = platform_tables(metadata, "probe")
applied = Table(
    "probe_applied",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("tenant_id", String(64), nullable=False),
)


class ProbeSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "probe"


class Probe:
    def __init__(self, settings: ProbeSettings, *, lanes: tuple[str, ...] = ()) -> None:
        self.settings = settings
        self.db = Database(
            settings.resolved_database_url,
            service="probe",
            metadata=metadata,
            tables=platform,
            migrations=None,
        )
        self.bus = EventBus(settings, self.db)
        self.fail_events: set[uuid.UUID] = set()
        self.fail_times: dict[uuid.UUID, int] = {}
        self.calls: list[uuid.UUID] = []
        self.batches: list[tuple[uuid.UUID, ...]] = []  # the event ids of each handler call
        # Awaited at the start of every handler call, inside its transaction (a test's gate).
        self.on_handle: Callable[[Sequence[PainLogged]], Awaitable[None]] | None = None
        # Set: each urgent event applied emits a `user-referred` for its user (an effect
        # that goes through the outbox, as a rule-one removal does).
        self.refer_urgent = False
        self.bus.subscribe(PainLogged, self.handle)
        for lane in lanes:
            self.bus.subscribe(PainLogged, self.handle, lane=lane)

    async def handle(self, events: Sequence[PainLogged], uow: UnitOfWork) -> None:
        if self.on_handle is not None:
            await self.on_handle(events)
        self.batches.append(tuple(e.event_id for e in events))
        self.calls += [e.event_id for e in events]
        await uow.session.execute(
            insert(applied), [{"event_id": e.event_id, "tenant_id": e.tenant_id} for e in events]
        )
        if self.refer_urgent:
            await uow.emit(*(referral_of(e) for e in events if e.urgent))
        for event in events:
            if event.event_id in self.fail_events:
                raise RuntimeError("probe handler told to fail")
            left = self.fail_times.get(event.event_id, 0)
            if left:
                self.fail_times[event.event_id] = left - 1
                raise RuntimeError("probe handler told to fail this time")

    async def start(self) -> None:
        await self.db.migrate()
        await self.bus.start()

    async def stop(self) -> None:
        """Bounded: a stop that hangs (a task that goes on after its cancellation) fails the
        test at once, naming what still runs, instead of waiting for pytest's timeout."""
        stopping = asyncio.create_task(self.bus.stop())
        done, _ = await asyncio.wait([stopping], timeout=scaled(20))
        if not done:
            running = sorted(
                f"{t.get_name()}: {t.get_coro()}" for t in asyncio.all_tasks() if not t.done()
            )
            raise AssertionError(f"the probe's bus did not stop in {scaled(20)} s: {running}")
        stopping.result()
        await self.db.dispose()

    async def applied_counts(self) -> dict[uuid.UUID, int]:
        async with self.db.read() as session:
            rows = await session.execute(
                select(applied.c.event_id, func.count()).group_by(applied.c.event_id)
            )
            return {r[0]: r[1] for r in rows}


def pain_event(tenant_id: str = "tn_probe", **kw: Any) -> PainLogged:
    now = utc_now()
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "user_id": "u1",
        "log_id": uuid.uuid4().hex,
        "observed_at": now,
        "level": 2,
        "context": "other",
    }
    fields.update(kw)
    return PainLogged(**fields)


def referral_of(event: PainLogged) -> UserReferred:
    reason = ReferralReason(code="probe", level="same_day", message="an urgent probe event")
    return UserReferred(
        tenant_id=event.tenant_id,
        user_id=event.user_id,
        occurred_at=event.occurred_at,
        response_id=event.event_id,
        level="same_day",
        reasons=(reason,),
    )
