"""A consumed batch of public events becomes its deliveries in a number of statements that
does not grow with the batch: one idempotency claim, one query for the endpoints of every
tenant in it, one INSERT of every delivery, then one wake-up of the sender after the commit.
Each endpoint gets the events of its own tenant and of the types it takes, nothing else. The
worker likewise re-reads a claimed batch's endpoints in one query just before sending (real
SQLite and PostgreSQL, real Redis for the bus)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from services.notifier import service, store
from services.notifier.app import MIGRATIONS
from services.notifier.consumers import subscribe_public_events
from services.notifier.settings import NotifierSettings
from services.notifier.store import tables
from services.notifier.worker import DeliveryWorker
from shared.db.database import Database
from shared.events.base import Event
from shared.messaging.bus import EventBus
from shared.messaging.consumer import Subscription
from tests.factories.notifier import exercise_removed, plan_generated
from tests.support.notifier import notifier_settings

CLINIC, GYM, QUIET, ELSEWHERE = "tn_clinic", "tn_gym", "tn_quiet", "tn_elsewhere"


@pytest.fixture
def settings(redis_url: str, database_url: str, prefix: str) -> NotifierSettings:
    made: NotifierSettings = notifier_settings(redis_url, database_url, prefix)
    return made


@pytest.fixture
async def db(settings: NotifierSettings) -> AsyncIterator[Database]:
    database = Database(
        settings.resolved_database_url,
        service="notifier",
        metadata=store.metadata,
        tables=store.platform,
        migrations=MIGRATIONS,
    )
    await database.migrate()
    try:
        yield database
    finally:
        await database.dispose()


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    """Every statement the database is sent inside the block, BEGIN and COMMIT included
    when they go through a cursor."""
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    sa_event.listen(db.engine.sync_engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa_event.remove(db.engine.sync_engine, "before_cursor_execute", before)


async def _endpoint(db: Database, tenant_id: str, types: list[str], enabled: bool = True) -> str:
    async with db.unit_of_work() as uow:
        created = await service.endpoints.create(
            uow,
            tenant_id,
            url=f"https://{tenant_id}.example/hook",
            event_types=types,
            description="",
            max_endpoints=10,
        )
        if not enabled:
            await service.endpoints.update(uow, tenant_id, created.endpoint_id, enabled=False)
    return created.endpoint_id


async def _deliveries(db: Database) -> Counter[tuple[str, str, Any]]:
    """(endpoint, its tenant, event) of every delivery, with how often each is there."""
    async with db.read() as session:
        rows = await session.execute(
            select(
                tables.deliveries.c.endpoint_id,
                tables.deliveries.c.tenant_id,
                tables.deliveries.c.event_id,
            )
        )
        return Counter((r.endpoint_id, r.tenant_id, r.event_id) for r in rows)


def _notifier_statements(statements: list[str]) -> list[str]:
    """Those on the notifier's own tables (not the bus's idempotency claim, not BEGIN)."""
    return [s for s in statements if "notifier_endpoints" in s or "notifier_deliveries" in s]


async def test_a_batch_for_several_tenants_is_recorded_in_a_fixed_number_of_statements(
    settings: NotifierSettings, db: Database
) -> None:
    everything = await _endpoint(db, CLINIC, ["plan-generated", "exercise-removed"])
    plans_only = await _endpoint(db, CLINIC, ["plan-generated"])
    switched_off = await _endpoint(db, CLINIC, ["plan-generated"], enabled=False)
    removals_only = await _endpoint(db, GYM, ["exercise-removed"])
    plans_elsewhere = await _endpoint(db, ELSEWHERE, ["plan-generated"])  # not in the batch

    wakes: list[int] = []
    bus = EventBus(settings, db)
    subscribe_public_events(bus, settings, lambda: wakes.append(1))
    subs = {s.event_cls.TYPE: s for s in bus.subscriptions}
    try:

        async def apply(sub: Subscription, events: list[Event]) -> list[str]:
            with counted(db) as statements:
                assert await bus.processor.apply_many(sub, events) == len(events)
            return statements

        small: list[Event] = [
            plan_generated(t, f"u-{i}") for i, t in enumerate((CLINIC, GYM, QUIET))
        ]
        large: list[Event] = [
            plan_generated(tenant, f"u-{i}") for i in range(20) for tenant in (CLINIC, GYM, QUIET)
        ]
        small_statements = await apply(subs["plan-generated"], small)
        large_statements = await apply(subs["plan-generated"], large)
        removals: list[Event] = [
            exercise_removed(t, f"u-{i}") for i in range(10) for t in (CLINIC, GYM)
        ]
        removal_statements = await apply(subs["exercise-removed"], removals)
    finally:
        await bus.redis.aclose()

    # The same statements for 3 events as for 60: none per event or per tenant.
    assert len(large_statements) == len(small_statements)
    assert len(removal_statements) == len(small_statements)
    for statements in (small_statements, large_statements, removal_statements):
        notifier = _notifier_statements(statements)
        assert len(notifier) == 2, notifier  # the endpoints of the batch's tenants, the INSERT
        assert notifier[0].startswith("SELECT") and "notifier_endpoints" in notifier[0]
        assert notifier[1].startswith("INSERT INTO notifier_deliveries")
    assert wakes == [1, 1, 1]  # once per batch, after its commit

    expected: Counter[tuple[str, str, Any]] = Counter()
    for e in small + large:
        if e.tenant_id == CLINIC:
            expected.update([(everything, CLINIC, e.event_id), (plans_only, CLINIC, e.event_id)])
    for e in removals:
        if e.tenant_id == CLINIC:
            expected.update([(everything, CLINIC, e.event_id)])
        else:
            expected.update([(removals_only, GYM, e.event_id)])
    assert await _deliveries(db) == expected
    delivered_to = {endpoint for endpoint, _, _ in expected}
    assert switched_off not in delivered_to and plans_elsewhere not in delivered_to


async def test_a_batch_recorded_again_adds_only_what_is_new_and_wakes_no_one_for_nothing(
    settings: NotifierSettings, db: Database
) -> None:
    """Straight through `record_deliveries`, past the idempotency claim: a delivery already
    recorded for an event and endpoint is kept (ON CONFLICT DO NOTHING in the one INSERT)."""
    endpoint_id = await _endpoint(db, CLINIC, ["plan-generated"])
    first = [plan_generated(CLINIC, "u-1"), plan_generated(GYM, "u-2")]
    again = [*first, plan_generated(CLINIC, "u-3")]
    for events in (first, again):
        async with db.unit_of_work() as uow:
            await service.deliveries.record(uow, events, settings.public_base_url)
    assert await _deliveries(db) == Counter(
        {(endpoint_id, CLINIC, e.event_id): 1 for e in again if e.tenant_id == CLINIC}
    )

    wakes: list[int] = []
    bus = EventBus(settings, db)
    subscribe_public_events(bus, settings, lambda: wakes.append(1))
    [sub] = [s for s in bus.subscriptions if s.event_cls.TYPE == "plan-generated"]
    try:
        with counted(db) as statements:
            await bus.processor.apply_many(sub, [plan_generated(QUIET), plan_generated(GYM)])
    finally:
        await bus.redis.aclose()
    assert wakes == []  # no endpoint took them: nothing to send
    assert [s for s in _notifier_statements(statements) if s.startswith("INSERT")] == []


async def test_a_claimed_batch_rereads_its_endpoints_once_before_sending(
    settings: NotifierSettings, db: Database
) -> None:
    """Between claim and send, one endpoint changes its URL, one is disabled, one drops the
    event type and one is deleted: one read of all their endpoints decides, the disabled
    one's deliveries are given back and the unsubscribed one's end failed, each kind in one
    statement whatever the batch holds."""
    changed, disabled, narrowed, deleted = [
        await _endpoint(db, tenant, ["plan-generated", "flare-detected"])
        for tenant in (CLINIC, CLINIC, GYM, GYM)
    ]
    events: list[Event] = [plan_generated(t, f"u-{i}") for i in range(3) for t in (CLINIC, GYM)]
    async with db.unit_of_work() as uow:
        await service.deliveries.record(uow, events, settings.public_base_url)
    worker = DeliveryWorker(db, settings)
    try:
        claimed = await worker._claim(64)
        assert len(claimed) == 12
        async with db.unit_of_work() as uow:
            await service.endpoints.update(uow, CLINIC, changed, url="https://moved.example/hook")
            await service.endpoints.update(uow, CLINIC, disabled, enabled=False)
            await service.endpoints.update(uow, GYM, narrowed, event_types=["flare-detected"])
            await service.endpoints.delete(uow, GYM, deleted)
        with counted(db) as statements:
            sendable = await worker._still_wanted(claimed)
    finally:
        await worker.sender.aclose()

    assert {c.endpoint_id for c in sendable.values()} == {changed}
    assert len(sendable) == 3
    assert {c.url for c in sendable.values()} == {"https://moved.example/hook"}
    notifier = _notifier_statements(statements)
    assert len(notifier) == 3, notifier  # the read, the give-back, the unsubscribed ones
    async with db.read() as session:
        rows = [dict(r._mapping) for r in await session.execute(select(tables.deliveries))]
    by_endpoint: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_endpoint.setdefault(row["endpoint_id"], []).append(row)
    assert deleted not in by_endpoint
    assert all(r["claim_token"] == worker.token for r in by_endpoint[changed])
    assert [(r["status"], r["claim_token"]) for r in by_endpoint[disabled]] == [
        ("pending", None)
    ] * 3
    assert [(r["status"], r["last_error"]) for r in by_endpoint[narrowed]] == [
        ("failed", "endpoint no longer subscribed to this event type")
    ] * 3
