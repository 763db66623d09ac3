"""The flare detector as it runs: its app with the real bus, Redis and database (SQLite and
PostgreSQL). Sessions, pain logs and quizzes are published on their streams as the pain log
and quiz services would; removals and flares are read back from the streams and over HTTP."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from faststream.redis.parser import BinaryMessageFormatV1
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
from sqlalchemy.engine.interfaces import CacheStats
from sqlalchemy.exc import DBAPIError

from services.flare_detector import service, store
from services.flare_detector.app import build_app
from services.flare_detector.domain import tiers
from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.history import History
from services.flare_detector.domain.history_json import load_history
from services.flare_detector.settings import FlareDetectorSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.db.database import Database
from shared.events.base import Event
from shared.events.flares import ExerciseRemoved, FlareDetected
from tests.factories.flare_sim import (
    START,
    SimConfig,
    SimEvent,
    pain_event,
    session_event,
    simulate_user,
)
from tests.support.stack import Stack, bearer, service_settings, stack
from tests.support.waiting import eventually
from tests.unit.flare_detector.helpers import feed, state

TRIGGER = "hip-hinge"


def detector_settings(redis_url: str, database_url: str, prefix: str) -> FlareDetectorSettings:
    settings: FlareDetectorSettings = service_settings(
        FlareDetectorSettings, redis_url, database_url, prefix
    )
    return settings


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "flare_detector": build_app(detector_settings(redis_url, database_url, prefix)),
    }
    async with stack(apps) as running:
        yield running


def publish(client: redis.Redis, prefix: str, *events: SimEvent) -> None:
    for event in events:
        client.xadd(f"{prefix}{event.event_type}", {"payload": event.model_dump_json()})


def read(client: redis.Redis, prefix: str, cls: type[Event]) -> list[Any]:
    found = []
    for _, fields in client.xrange(f"{prefix}{cls.TYPE}"):
        body, _ = BinaryMessageFormatV1.parse(fields[b"__data__"])
        found.append(cls.model_validate_json(body))
    return found


async def removals(client: redis.Redis, prefix: str) -> list[ExerciseRemoved]:
    await asyncio.sleep(0)
    return read(client, prefix, ExerciseRemoved)


async def caught_up(client: redis.Redis, prefix: str, *types: str) -> bool:
    """Every consumed stream fully taken and acknowledged by the detector's group."""
    await asyncio.sleep(0)
    for t in types:
        stream = f"{prefix}{t}"
        if not client.exists(stream):
            continue
        last = client.xinfo_stream(stream)["last-generated-id"]
        group = next(g for g in client.xinfo_groups(stream) if g["name"] == b"flare_detector")
        if group["last-delivered-id"] != last or group["pending"]:
            return False
    return True


CONSUMED = ("session-done", "pain-logged", "quiz-completed")


async def test_radiating_pain_during_an_exercise_removes_it_at_once(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant = await services.create_tenant()
    t = tenant["tenant_id"]
    session = session_event(
        t, "u1", "s1", START, ["glute-bridge", "bird-dog"], qualities={"bird-dog": ("radiating",)}
    )
    publish(redis_client, prefix, session)
    found = await eventually(lambda: removals(redis_client, prefix), timeout=5)
    assert [(r.exercise_id, r.rule, r.severity) for r in found] == [
        ("bird-dog", "immediate", "confirmed")
    ]
    assert found[0].evidence.report_ids == ("session:s1:bird-dog",)
    assert found[0].tenant_id == t and found[0].user_id == "u1"
    # The same session re-sent (a new event_id) and an after-exercise log saying the same:
    # still one removal.
    publish(redis_client, prefix, session.model_copy(update={"event_id": uuid.uuid4()}))
    log = pain_event(
        t,
        "u1",
        "l1",
        START + timedelta(minutes=41),
        6,
        "after_exercise",
        exercise_id="bird-dog",
        qualities=("shooting",),
    )
    publish(redis_client, prefix, log)
    await eventually(lambda: caught_up(redis_client, prefix, *CONSUMED))
    await asyncio.sleep(0.3)  # the outbox relay polls every 50 ms
    assert len(read(redis_client, prefix, ExerciseRemoved)) == 1
    key = bearer(tenant["api_key"]["key"])
    body = (await services.clients["flare_detector"].get("/v1/users/u1/flares", headers=key)).json()
    assert [(r["exercise_id"], r["rule"]) for r in body["removals"]] == [("bird-dog", "immediate")]


async def test_a_delayed_trigger_is_suspected_then_confirmed_with_its_evidence(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant = await services.create_tenant()
    user = simulate_user(7, trigger=TRIGGER, tenant_id=tenant["tenant_id"], user_id="u-trig")
    publish(redis_client, prefix, *user.events)
    await eventually(lambda: caught_up(redis_client, prefix, *CONSUMED), timeout=60)

    async def both() -> list[ExerciseRemoved]:
        found = await removals(redis_client, prefix)
        return (
            found
            if {r.severity for r in found if r.exercise_id == TRIGGER} == {"suspected", "confirmed"}
            else []
        )

    found = await eventually(both, timeout=10)
    trigger = [r for r in found if r.exercise_id == TRIGGER]
    assert [r.severity for r in trigger] == ["suspected", "confirmed"]
    assert all(r.rule == "delayed" for r in trigger)
    for r in trigger:
        ev = r.evidence
        assert ev.flares_after >= 2 and ev.exposures >= ev.flares_after
        assert ev.statistic == "fisher_exact_one_sided_p"
        assert ev.value is not None and ev.threshold is not None and ev.value <= ev.threshold
        assert ev.windows == ("evening 6-12h", "next_morning 12-36h")
    # Each decision once, however the flares were delivered; every flare notified once.
    assert len({(r.exercise_id, r.rule, r.severity) for r in found}) == len(found)
    flares = read(redis_client, prefix, FlareDetected)
    assert flares and len({f.log_id for f in flares}) == len(flares)

    key = bearer(tenant["api_key"]["key"])
    client = services.clients["flare_detector"]
    body = (await client.get("/v1/users/u-trig/flares", headers=key)).json()
    attributed = [f for f in body["items"] if TRIGGER in f["attributed_to"]]
    assert attributed and all(f["after_sessions"] for f in attributed)
    assert {(r["exercise_id"], r["severity"]) for r in body["removals"]} >= {
        (TRIGGER, "suspected"),
        (TRIGGER, "confirmed"),
    }
    # Another tenant's key: the same user id is not found.
    other = await services.create_tenant("Other clinic")
    response = await client.get("/v1/users/u-trig/flares", headers=bearer(other["api_key"]["key"]))
    assert response.status_code == 404


async def test_a_restarted_detector_keeps_its_history(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    """Half a history, a restart (a new app on the same database), the other half: the
    decisions are those of the whole history, and none is made twice."""
    user = simulate_user(7, trigger=TRIGGER, tenant_id="tn_restart", user_id="u1")
    half = len(user.events) // 2
    first = build_app(detector_settings(redis_url, database_url, prefix))
    async with first.router.lifespan_context(first):
        publish(redis_client, prefix, *user.events[:half])
        await eventually(lambda: caught_up(redis_client, prefix, *CONSUMED), timeout=60)
        await asyncio.sleep(0.3)
    before = read(redis_client, prefix, ExerciseRemoved)
    again = build_app(detector_settings(redis_url, database_url, prefix))
    async with again.router.lifespan_context(again):
        publish(redis_client, prefix, *user.events[half:], *user.events[:5])
        await eventually(lambda: caught_up(redis_client, prefix, *CONSUMED), timeout=60)
        await asyncio.sleep(0.3)
    after = read(redis_client, prefix, ExerciseRemoved)
    keys = [(r.exercise_id, r.rule, r.severity) for r in after]
    assert len(keys) == len(set(keys)) and len(after) >= len(before)
    assert (TRIGGER, "delayed", "suspected") in keys


async def test_two_replicas_applying_one_users_events_at_once_lose_none(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """Events of one user applied concurrently through two databases handles (two replicas):
    the per-user row lock makes them take turns, so the history holds every one."""
    settings = detector_settings(redis_url, database_url, prefix)
    dbs = [
        Database(
            settings.resolved_database_url,
            service="flare_detector",
            metadata=store.metadata,
            tables=store.platform,
            migrations=Path(store.__file__).parents[1] / "migrations",
        )
        for _ in range(2)
    ]
    await dbs[0].migrate()
    rules = settings.rules()
    events = [
        pain_event("tn_race", "u1", f"log-{i}", START + timedelta(hours=i), 1, "other")
        for i in range(12)
    ]

    async def apply(db: Database, event: SimEvent) -> None:
        async with db.unit_of_work() as uow:
            await service.apply_event(uow, event, rules)

    await asyncio.gather(*(apply(dbs[i % 2], e) for i, e in enumerate(events)))
    async with dbs[0].read() as session:
        stored = await store.read_history(session, "tn_race", "u1")
    assert stored is not None
    assert set(load_history(stored).observations) == {e.log_id for e in events}
    for db in dbs:
        await db.dispose()


def _database(settings: FlareDetectorSettings) -> Database:
    return Database(
        settings.resolved_database_url,
        service="flare_detector",
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(store.__file__).parents[1] / "migrations",
    )


async def _decisions(
    db: Database, tenant: str
) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    async with db.read() as session:
        removed = {
            (r.user_id, r.exercise_id, r.rule, r.severity)
            for r in await session.execute(
                store.removals.select().where(store.removals.c.tenant_id == tenant)
            )
        }
        flared = {
            (r.user_id, r.log_id)
            for r in await session.execute(
                store.flares.select().where(store.flares.c.tenant_id == tenant)
            )
        }
    return removed, flared


async def test_a_batch_of_many_users_events_decides_as_one_event_at_a_time(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """The bus hands a whole read to the handler: events of several users, interleaved, in
    one transaction. Removals, flares and outbox events are those of one event per batch."""
    settings = detector_settings(redis_url, database_url, prefix)
    db = _database(settings)
    await db.migrate()
    rules = settings.rules()
    users = [
        simulate_user(s, trigger=TRIGGER if s % 2 else None, tenant_id=t, user_id=f"u{s}")
        for s in (3, 4, 7)
        for t in ("tn_batch", "tn_single")
    ]
    by_tenant: dict[str, list[SimEvent]] = {"tn_batch": [], "tn_single": []}
    for u in users:
        by_tenant[u.tenant_id] += u.events
    for events in by_tenant.values():
        events.sort(key=lambda e: getattr(e, "completed_at", None) or e.occurred_at)
    for event in by_tenant["tn_single"]:
        async with db.unit_of_work() as uow:
            await service.apply_event(uow, event, rules)
    batch = by_tenant["tn_batch"]
    for i in range(0, len(batch), 50):
        async with db.unit_of_work() as uow:
            await service.apply_events(uow, batch[i : i + 50], rules)
    one, many = await _decisions(db, "tn_single"), await _decisions(db, "tn_batch")
    assert one[0] and one[1]  # the users do lead to removals and flares
    assert many == one
    async with db.read() as session:
        outbox = store.platform.outbox
        counts = {
            t: await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.tenant_id == t)
            )
            for t in by_tenant
        }
    assert counts["tn_batch"] == counts["tn_single"] == len(one[0]) + len(one[1])
    await db.dispose()


async def test_a_batch_locks_and_saves_its_users_histories_with_one_cached_statement_each(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """Whatever a batch's size, its users' history rows are locked by one statement and
    written back by one, and both come from SQLAlchemy's cache after the first batch: a
    statement rebuilt for every batch size is compiled anew each time (it once took a third
    of the detector's CPU)."""
    settings = detector_settings(redis_url, database_url, prefix)
    db = _database(settings)
    await db.migrate()
    rules = settings.rules()
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, _params: Any, context: Any, _many: Any) -> None:
        if store.histories.name in sql.split("(")[0] and sql.lstrip().upper().startswith("INSERT"):
            seen.append((sql, context.cache_hit))

    events = [simulate_user(s, tenant_id="tn_cached", user_id=f"u{s}").events[0] for s in range(9)]
    engine = db.engine.sync_engine
    async with db.unit_of_work() as uow:  # the first batch compiles the statements
        await service.apply_events(uow, events[:2], rules)
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        for batch in (events[2:7], events[7:9]):  # sizes the first batch did not have
            async with db.unit_of_work() as uow:
                await service.apply_events(uow, batch, rules)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
        await db.dispose()
    assert len(seen) == 4, [sql for sql, _ in seen]  # a lock and a save per batch
    assert all(hit is CacheStats.CACHE_HIT for _, hit in seen), [hit for _, hit in seen]


async def test_a_long_history_is_kept_as_a_small_row_and_day_parts_and_decides_the_same(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """Three months of a user through the store (domain/tiers.py): the history row keeps the
    recent days only, older days are parts (the retention deletes the oldest), a record
    later than the lateness is applied to the whole history, and after all of it the stored
    state and the decisions are those of one History fed the same events."""
    settings = detector_settings(redis_url, database_url, prefix)
    db = _database(settings)
    await db.migrate()
    rules = settings.rules()
    tenant = f"tn_tiers_{uuid.uuid4().hex[:8]}"
    cfg = SimConfig(days=90)
    user = simulate_user(21, trigger=TRIGGER, tenant_id=tenant, user_id="u", config=cfg)
    events = list(user.events)
    late = events.pop(len(events) // 2)  # arrives a week after its time: the whole path
    at = next(
        i for i, e in enumerate(events) if e.occurred_at > late.occurred_at + timedelta(days=7)
    )
    events.insert(at, late)
    reference, expected_removals = feed(events, rules)
    sizes = []
    for i in range(0, len(events), 5):
        async with db.unit_of_work() as uow:
            await service.apply_events(uow, events[i : i + 5], rules)
        async with db.read() as session:
            row = await store.read_history(session, tenant, "u")
        sizes.append(len(json.dumps(row)))
    removed, _ = await _decisions(db, tenant)
    assert removed == {("u", *k) for k in expected_removals}
    async with db.read() as session:
        summary = await store.read_history(session, tenant, "u")
        parts = (await store.read_parts(session, [(tenant, "u")]))[(tenant, "u")]
    assert summary is not None
    horizon = reference.horizon(rules)
    assert horizon is not None and len(parts) > 20
    assert min(d for d, _ in parts) >= horizon.date().isoformat()
    whole = tiers.assemble(load_history(summary), {p: load_history(v) for p, v in parts.items()})
    assert state(whole) == state(reference)
    # The row holds the last weeks only: it stops growing once days go to parts.
    assert max(sizes[-20:]) < 1.5 * max(sizes[len(sizes) // 3 : len(sizes) // 2])
    # One batch whose first event moves the watermark three days on and makes the second
    # later than the lateness: tried on the summary, refused, applied to the whole.
    assert reference.latest is not None
    ahead, behind = reference.latest + timedelta(days=3), reference.latest
    batch = [
        pain_event(tenant, "u", "ahead", ahead, 2, "next_morning"),
        pain_event(tenant, "u", "behind", behind, 6, "next_morning"),
    ]
    for event in batch:
        ingest(reference, event, rules)
    async with db.unit_of_work() as uow:
        await service.apply_events(uow, batch, rules)
    async with db.read() as session:
        summary = await store.read_history(session, tenant, "u")
        parts = (await store.read_parts(session, [(tenant, "u")]))[(tenant, "u")]
    whole = tiers.assemble(load_history(summary), {p: load_history(v) for p, v in parts.items()})
    assert state(whole) == state(reference)
    await db.dispose()


async def _migrate(db: Database, revision: str) -> None:
    """Alembic to `revision` (up or down) on the detector's database."""
    from alembic import command

    from shared.db.migrations import alembic_config

    assert db.migrations is not None
    cfg = alembic_config(db.migrations, "alembic_version_flare_detector")

    def run(connection: Any) -> None:
        cfg.attributes["connection"] = connection
        if revision == "head":
            command.upgrade(cfg, revision)
        else:
            command.downgrade(cfg, revision)

    async with db.engine.begin() as connection:
        await connection.run_sync(run)


async def _compression(db: Database, tenant: str) -> tuple[str, str | None]:
    """The history column's method (pg_attribute: '' default, 'p' pglz, 'l' lz4) and the
    one the user's stored row was compressed with (None: not compressed)."""
    async with db.read() as session:
        column = (
            await session.execute(
                text(
                    "SELECT attcompression::text FROM pg_attribute WHERE attname = 'history' "
                    "AND attrelid = 'flare_detector_histories'::regclass"
                )
            )
        ).scalar_one()
        row = (
            await session.execute(
                text(
                    "SELECT pg_column_compression(history) FROM flare_detector_histories "
                    "WHERE tenant_id = :t AND user_id = 'u'"
                ),
                {"t": tenant},
            )
        ).scalar_one()
    return str(column), row


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_history_rows_are_written_with_lz4_and_rows_written_with_pglz_still_load(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """PostgreSQL: after the migration a history row is compressed with lz4 (read and
    rewritten per event: about half the cost of pglz for a large summary); a row compressed
    with pglz before it loads and decides as before."""
    settings = detector_settings(redis_url, database_url, prefix)
    db = _database(settings)
    await db.migrate()
    async with db.read() as session:
        try:  # the setting takes only the methods the server was built with (for now)
            await session.execute(
                text("SELECT set_config('default_toast_compression', 'lz4', true)")
            )
        except DBAPIError:
            pytest.skip("this PostgreSQL server is built without lz4")
    rules = settings.rules()
    tenant = f"tn_lz4_{uuid.uuid4().hex[:8]}"
    user = simulate_user(22, trigger=TRIGGER, tenant_id=tenant, user_id="u")
    events = list(user.events)
    half = len(events) // 2
    await _migrate(db, "5c0ad2e91b7f")  # as before the lz4 revision
    for i in range(0, half, 5):
        async with db.unit_of_work() as uow:
            await service.apply_events(uow, events[i : min(i + 5, half)], rules)
    assert await _compression(db, tenant) == ("", "pglz")
    await _migrate(db, "head")
    assert await _compression(db, tenant) == ("l", "pglz")  # the older row as it was ...
    for i in range(half, len(events), 5):
        async with db.unit_of_work() as uow:
            await service.apply_events(uow, events[i : i + 5], rules)
    assert await _compression(db, tenant) == ("l", "lz4")  # ... and rewritten with lz4
    reference, expected_removals = feed(events, rules)
    assert (await _decisions(db, tenant))[0] == {("u", *k) for k in expected_removals}
    assert state(await _assembled(db, tenant)) == state(reference)
    await db.dispose()


async def _assembled(db: Database, tenant: str) -> History:
    """User u's whole history as stored: the summary row with its parts back in."""
    async with db.read() as session:
        summary = await store.read_history(session, tenant, "u")
        parts = (await store.read_parts(session, [(tenant, "u")]))[(tenant, "u")]
    assert summary is not None
    return tiers.assemble(load_history(summary), {p: load_history(v) for p, v in parts.items()})
