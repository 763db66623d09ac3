"""The delivery worker against a real database: two replicas never send one delivery twice,
the same event recorded twice is one delivery, and deliveries of a disabled or deleted
endpoint wait or go away (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from services.notifier import service, store
from services.notifier.app import MIGRATIONS
from services.notifier.domain.retries import AttemptResult
from services.notifier.settings import NotifierSettings
from services.notifier.store import tables
from services.notifier.worker import DeliveryWorker
from shared.db.database import Database
from shared.events.base import utc_now
from tests.factories.notifier import plan_generated
from tests.support.notifier import Receiver, notifier_settings, receivers
from tests.support.waiting import eventually

TENANT = "tn_workers"
OTHER = "tn_other"


def _database(settings: NotifierSettings) -> Database:
    return Database(
        settings.resolved_database_url,
        service="notifier",
        metadata=store.metadata,
        tables=store.platform,
        migrations=MIGRATIONS,
    )


@pytest.fixture
def settings(redis_url: str, database_url: str, prefix: str) -> NotifierSettings:
    made: NotifierSettings = notifier_settings(
        redis_url,
        database_url,
        prefix,
        webhook_poll_s=0.01,
        webhook_max_in_flight=8,
        webhook_max_in_flight_per_endpoint=2,
    )
    return made


@pytest.fixture
async def db(settings: NotifierSettings) -> AsyncIterator[Database]:
    database = _database(settings)
    await database.migrate()
    try:
        yield database
    finally:
        await database.dispose()


async def _endpoint(db: Database, tenant_id: str, url: str) -> str:
    async with db.unit_of_work() as uow:
        created = await service.endpoints.create(
            uow,
            tenant_id,
            url=url,
            event_types=["plan-generated"],
            description="",
            max_endpoints=10,
        )
    return created.endpoint_id


async def _rows(db: Database) -> list[dict[str, Any]]:
    async with db.read() as session:
        return [dict(r._mapping) for r in await session.execute(select(tables.deliveries))]


async def test_two_worker_replicas_send_each_delivery_exactly_once(
    settings: NotifierSettings, db: Database
) -> None:
    """Two workers, each with its own connection pool as two processes would have, race
    for the same due deliveries (FOR UPDATE SKIP LOCKED on PostgreSQL, one writer at a time
    on SQLite, and the lease on both)."""
    with receivers(Receiver(), Receiver(), Receiver()) as hooks:
        for hook in hooks:
            await _endpoint(db, TENANT, hook.url)
        async with db.unit_of_work() as uow:
            await service.deliveries.record(
                uow, [plan_generated(TENANT) for _ in range(15)], settings.public_base_url
            )
        replica = _database(settings)
        workers = [DeliveryWorker(db, settings), DeliveryWorker(replica, settings)]
        tasks = [asyncio.create_task(w.run()) for w in workers]
        try:

            async def all_succeeded() -> bool:
                rows = await _rows(db)
                return len(rows) == 45 and all(r["status"] == "succeeded" for r in rows)

            await eventually(all_succeeded, timeout=30)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await replica.dispose()
        sent = Counter(i for hook in hooks for i in hook.ids())
    rows = await _rows(db)
    assert sent == Counter({r["webhook_id"]: 1 for r in rows})
    assert all(r["attempts"] == 1 for r in rows)


async def test_the_same_event_recorded_twice_is_one_delivery_per_endpoint(
    settings: NotifierSettings, db: Database
) -> None:
    mine = await _endpoint(db, TENANT, "http://127.0.0.1:9/a")
    theirs = await _endpoint(db, OTHER, "http://127.0.0.1:9/b")
    event = plan_generated(TENANT)
    for _ in range(2):  # e.g. redelivered by the stream after a crash before the ack
        async with db.unit_of_work() as uow:
            await service.deliveries.record(uow, [event], settings.public_base_url)
    rows = await _rows(db)
    assert [(r["endpoint_id"], r["event_id"]) for r in rows] == [(mine, event.event_id)]
    assert theirs not in {r["endpoint_id"] for r in rows}


async def test_a_disabled_endpoints_deliveries_wait_and_a_deleted_ones_go(
    settings: NotifierSettings, db: Database
) -> None:
    endpoint_id = await _endpoint(db, TENANT, "http://127.0.0.1:9/hook")
    async with db.unit_of_work() as uow:
        await service.deliveries.record(uow, [plan_generated(TENANT)], settings.public_base_url)
        await service.endpoints.update(uow, TENANT, endpoint_id, enabled=False)
    worker = DeliveryWorker(db, settings)
    try:
        # Disabled: nothing is claimed, and what was recorded stays pending.
        assert await worker._claim(8) == []
        assert [r["status"] for r in await _rows(db)] == ["pending"]
        # Events arriving meanwhile are not recorded for it.
        async with db.unit_of_work() as uow:
            assert (
                await service.deliveries.record(
                    uow, [plan_generated(TENANT)], settings.public_base_url
                )
                == 0
            )
            await service.endpoints.update(uow, TENANT, endpoint_id, enabled=True)
        # Enabled again: the waiting delivery is due at once.
        [claimed] = await worker._claim(8)
        # Deleted while that attempt is in flight: its result has nowhere to go, quietly.
        async with db.unit_of_work() as uow:
            await service.endpoints.delete(uow, TENANT, endpoint_id)
        async with db.unit_of_work() as uow:
            await service.attempts.record(uow, claimed, AttemptResult(200, 5), utc_now(), settings)
        assert await _rows(db) == []
        async with db.read() as session:
            assert (await session.execute(select(tables.attempts))).first() is None
    finally:
        await worker.sender.aclose()


async def test_a_backlog_for_a_slow_endpoint_does_not_hold_up_another_endpoint(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """The slow endpoint's deliveries are older, so they come first in the due order and
    exceed the worker's whole capacity; still the other endpoint's delivery goes out while
    the slow ones hang (per-endpoint bound; busy endpoints are left out of the claim)."""
    settings: NotifierSettings = notifier_settings(
        redis_url,
        database_url,
        prefix,
        webhook_poll_s=0.02,
        webhook_max_in_flight=4,
        webhook_max_in_flight_per_endpoint=2,
        webhook_attempt_timeout_s=4.0,
        webhook_retry_schedule_s=[60],
    )
    db = _database(settings)
    await db.migrate()
    release = threading.Event()
    slow, fast = Receiver(hold=release, hold_s=8), Receiver()
    with receivers(slow, fast):
        slow_ep = await _endpoint(db, TENANT, slow.url)
        async with db.unit_of_work() as uow:
            await service.deliveries.record(
                uow, [plan_generated(TENANT) for _ in range(10)], settings.public_base_url
            )
        await _endpoint(db, TENANT, fast.url)  # subscribes after the backlog was recorded
        async with db.unit_of_work() as uow:
            await service.deliveries.record(uow, [plan_generated(TENANT)], settings.public_base_url)
        task = asyncio.create_task(DeliveryWorker(db, settings).run())
        try:
            await eventually(lambda: _now(slow.arrived.is_set()))
            await eventually(lambda: _now(fast.received))
            async with db.read() as session:
                slow_attempts = (
                    await session.execute(
                        select(tables.attempts).where(tables.attempts.c.endpoint_id == slow_ep)
                    )
                ).all()
            assert slow_attempts == []  # the slow ones were all still hanging
        finally:
            release.set()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await db.dispose()


async def _now(value: Any) -> Any:
    return value
