"""Fast ingest: the tenant-key check from memory, SQLite group commit, after-commit hooks."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from services.painlog import store as painlog_store
from services.quiz.app import build_app as build_quiz
from services.quiz.settings import QuizSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.db.database import Database
from shared.db.records import NewRecord
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.painlog import PainLogged
from shared.events.tenants import TenantKeyIssued
from tests.support.painlog import painlog_database, painlog_stack
from tests.support.settings import OPERATOR_TOKEN
from tests.support.stack import Stack, bearer, running, service_settings, stack


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement `db` sends while the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen.append(sql)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


def pain_log(log_id: str, level: int = 3) -> dict[str, Any]:
    return {
        "log_id": log_id,
        "observed_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "level": level,
        "context": "next_morning",
        "qualities": ["ache"],
    }


# --- The tenant-key check ------------------------------------------------------------------


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "quiz": build_quiz(service_settings(QuizSettings, redis_url, database_url, prefix)),
    }
    async with stack(apps) as running_stack:
        yield running_stack


async def test_a_key_is_checked_without_a_query(services: Stack) -> None:
    key = (await services.create_tenant())["api_key"]["key"]
    quiz = services.clients["quiz"]
    with statements(services.apps["quiz"].state.db) as sent:
        accepted = await quiz.get("/v1/quiz", headers=bearer(key))
        refused = await quiz.get("/v1/quiz", headers=bearer(key[:-2] + "xx"))
        unknown = await quiz.get("/v1/quiz", headers=bearer("sf_0123456789abcdef_" + "y" * 43))
    assert (accepted.status_code, refused.status_code, unknown.status_code) == (200, 401, 401)
    assert sent == []


async def test_a_revoked_key_is_refused_from_memory_and_after_a_restart(
    services: Stack, redis_url: str, database_url: str, prefix: str
) -> None:
    tenant = await services.create_tenant()
    key = tenant["api_key"]
    quiz, admin = services.clients["quiz"], services.clients["tenants"]
    assert (await quiz.get("/v1/quiz", headers=bearer(key["key"]))).status_code == 200
    revoked = await admin.delete(
        f"/admin/v1/tenants/{tenant['tenant_id']}/keys/{key['key_id']}",
        headers=bearer(OPERATOR_TOKEN),
    )
    assert revoked.json()["propagated"] is True
    with statements(services.apps["quiz"].state.db) as sent:
        assert (await quiz.get("/v1/quiz", headers=bearer(key["key"]))).status_code == 401
    assert sent == []
    # A second process of the quiz service, started now, loads the same answer from its table.
    again = build_quiz(service_settings(QuizSettings, redis_url, database_url, prefix))
    async with running(again) as restarted:
        assert (await restarted.get("/v1/quiz", headers=bearer(key["key"]))).status_code == 401


async def test_the_key_map_changes_only_when_the_replica_row_commits(database_url: str) -> None:
    app = build_quiz(QuizSettings(database_url=database_url, log_level="WARNING"))
    db: Database = app.state.db
    replica = app.state.key_replica
    await db.migrate()
    try:
        issued = TenantKeyIssued(
            tenant_id="tn_map",
            tenant_name="Map clinic",
            key_id="0123456789abcdef",
            key_hash="a" * 64,
            issued_at=utc_now(),
        )
        with pytest.raises(RuntimeError, match="rolled back"):
            async with db.unit_of_work() as uow:
                await replica.handle([issued], uow)
                raise RuntimeError("rolled back")
        assert replica._keys == {}
        async with db.unit_of_work() as uow:
            await replica.handle([issued], uow)
            assert replica._keys == {}  # written, not yet committed
        assert replica._keys["0123456789abcdef"].tenant_id == "tn_map"
    finally:
        await db.dispose()


# --- SQLite group commit ---------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


async def test_concurrent_pain_logs_share_commits_and_each_answer_follows_its_commit(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """On SQLite and on PostgreSQL: new reports are stored in groups, a transaction each."""
    n = 24
    async with painlog_stack(redis_url, database_url, prefix) as services:
        key = (await services.create_tenant())["api_key"]["key"]
        db: Database = services.apps["painlog"].state.db
        before = db.record_commit.stats.transactions, db.record_commit.stats.writes
        client = services.clients["painlog"]

        async def post_then_read(i: int) -> int:
            response = await client.post(
                "/v1/users/patient-17/pain",
                json=pain_log(f"m-{i}"),
                headers={**bearer(key), "Idempotency-Key": f"k-{i}"},
            )
            # Read at once, on another connection: a 202 means committed.
            async with db.read() as session:
                stored = await painlog_store.get_pain_log(
                    session, _tenant_of(services), "patient-17", f"m-{i}"
                )
            assert stored is not None, f"m-{i} answered {response.status_code} before commit"
            return response.status_code

        statuses = await asyncio.gather(*(post_then_read(i) for i in range(n)))
        transactions = db.record_commit.stats.transactions - before[0]
        writes = db.record_commit.stats.writes - before[1]
    assert statuses == [202] * n
    assert writes == n
    assert transactions < n


async def test_a_conflicting_report_in_a_group_fails_alone(
    redis_url: str, database_url: str, prefix: str
) -> None:
    async with painlog_stack(redis_url, database_url, prefix) as services:
        key = (await services.create_tenant())["api_key"]["key"]
        client = services.clients["painlog"]
        db: Database = services.apps["painlog"].state.db
        before = db.record_commit.stats.transactions
        bodies = [pain_log("same", level=2), pain_log("same", level=7)] + [
            pain_log(f"other-{i}") for i in range(6)
        ]
        responses = await asyncio.gather(
            *(client.post("/v1/users/patient-17/pain", json=b, headers=bearer(key)) for b in bodies)
        )
        grouped = db.record_commit.stats.transactions - before
        async with db.read() as session:
            outbox = db.tables.outbox
            events = await session.scalar(select(func.count()).select_from(outbox))
    statuses = [r.status_code for r in responses]
    assert statuses[0] == 202 and statuses[1] == 409  # the second used a taken log_id
    assert statuses[2:] == [202] * 6
    assert events == 7
    assert grouped < len(bodies)


def _tenant_of(services: Stack) -> str:
    replica = services.apps["painlog"].state.key_replica
    (tenant_id,) = {k.tenant_id for k in replica._keys.values()}
    return str(tenant_id)


async def test_a_failed_write_is_rolled_back_alone_and_its_group_commits(
    sqlite_url: str,
) -> None:
    db = Database(
        sqlite_url,
        service="painlog",
        metadata=painlog_store.metadata,
        tables=painlog_store.platform,
        migrations=None,
    )
    await db.migrate()
    table = db.tables.idempotency_keys
    committed_hooks: list[str] = []

    def write(name: str, *, fail_after_writing: bool = False, key: str | None = None) -> Any:
        async def run(uow: UnitOfWork) -> str:
            await uow.session.execute(
                insert(table).values(
                    tenant_id="tn_g",
                    key=key or name,
                    fingerprint="f",
                    status_code=202,
                    response_body="{}",
                    created_at=utc_now(),
                )
            )
            uow.after_commit.append(lambda: committed_hooks.append(name))
            if fail_after_writing:
                raise ValueError(f"{name} failed after writing")
            return name

        return run

    try:
        assert db.group_commit is not None
        before = db.group_commit.stats.transactions
        results = await asyncio.gather(
            db.write(write("a")),
            db.write(write("b", fail_after_writing=True)),
            db.write(write("c", key="a")),  # a unique violation against its batch-mate
            db.write(write("d")),
            return_exceptions=True,
        )
        assert db.group_commit.stats.transactions - before == 1
        async with db.read() as session:
            keys = set(await session.scalars(select(table.c.key)))
    finally:
        await db.dispose()
    assert results[0] == "a" and results[3] == "d"
    assert isinstance(results[1], ValueError)
    assert isinstance(results[2], IntegrityError)
    assert keys == {"a", "d"}  # nothing of b or c half-stored
    assert committed_hooks == ["a", "d"]


async def test_writes_keep_their_callers_context(sqlite_url: str) -> None:
    """Each write runs with its own request's context (correlation id, log fields), not the
    context of whichever request started the committer."""
    from contextvars import ContextVar

    request_id: ContextVar[str] = ContextVar(f"request_id_{uuid.uuid4().hex}", default="-")
    db = Database(
        sqlite_url,
        service="painlog",
        metadata=painlog_store.metadata,
        tables=painlog_store.platform,
        migrations=None,
    )
    await db.migrate()

    async def seen(_: UnitOfWork) -> str:
        return request_id.get()

    async def request(name: str) -> str:
        request_id.set(name)
        return await db.write(seen)

    try:
        names = [f"r{i}" for i in range(8)]
        assert await asyncio.gather(*(request(n) for n in names)) == names
    finally:
        await db.dispose()


async def test_a_retried_report_under_a_new_key_in_a_group_is_a_replay_and_stores_no_orphan(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """Stored in bulk, a record whose Idempotency-Key is new but whose log_id is taken takes
    the general path: it answers as the first time, emits nothing, and its key then replays
    that answer."""
    async with painlog_stack(redis_url, database_url, prefix) as services:
        key = (await services.create_tenant())["api_key"]["key"]
        client = services.clients["painlog"]
        db: Database = services.apps["painlog"].state.db
        body = pain_log("first")
        first = await client.post(
            "/v1/users/patient-17/pain", json=body, headers={**bearer(key), "Idempotency-Key": "a"}
        )
        responses = await asyncio.gather(
            client.post(
                "/v1/users/patient-17/pain",
                json=body,
                headers={**bearer(key), "Idempotency-Key": "b"},
            ),
            *(
                client.post(
                    "/v1/users/patient-17/pain",
                    json=pain_log(f"n-{i}"),
                    headers={**bearer(key), "Idempotency-Key": f"n-{i}"},
                )
                for i in range(5)
            ),
        )
        again = await client.post(
            "/v1/users/patient-17/pain", json=body, headers={**bearer(key), "Idempotency-Key": "b"}
        )
        async with db.read() as session:
            events = await session.scalar(select(func.count()).select_from(db.tables.outbox))
    assert first.status_code == 202
    assert responses[0].status_code == 202 and responses[0].json() == first.json()
    assert [r.status_code for r in responses[1:]] == [202] * 5
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert events == 6  # the first and the five others: the retry emitted nothing


async def test_concurrent_quiz_submissions_share_commits(
    redis_url: str, sqlite_url: str, prefix: str
) -> None:
    from services.quiz import store as quiz_store

    apps = {
        "tenants": build_tenants(service_settings(TenantsSettings, redis_url, sqlite_url, prefix)),
        "quiz": build_quiz(service_settings(QuizSettings, redis_url, sqlite_url, prefix)),
    }
    async with stack(apps) as services:
        key = (await services.create_tenant())["api_key"]["key"]
        db: Database = services.apps["quiz"].state.db
        assert db.group_commit is not None
        before = db.group_commit.stats.transactions
        responses = await _quizzes_at_once(services, key, 12)
        transactions = db.group_commit.stats.transactions - before
        async with db.read() as session:
            stored = await session.scalar(select(func.count()).select_from(quiz_store.responses))
            events = await session.scalar(select(func.count()).select_from(db.tables.outbox))
    assert [r.status_code for r in responses] == [202] * 12
    assert stored == 12 and events == 12
    assert transactions < 12


def _pain_record(log_id: str, tenant_id: str = "tn_g") -> NewRecord:
    now = utc_now()
    row = {
        "tenant_id": tenant_id,
        "user_id": "patient-17",
        "log_id": log_id,
        "observed_at": now,
        "level": 3,
        "context": "next_morning",
        "exercise_id": None,
        "session_id": None,
        "qualities": ["ache"],
        "locations": [],
        "morning": None,
        "fingerprint": "f",
        "received_at": now,
    }

    async def otherwise(_: UnitOfWork) -> str:
        return f"{log_id} taken"

    return NewRecord(
        table=painlog_store.pain_logs,
        row=row,
        events=[],
        result=f"{log_id} stored",
        idempotency=None,
        otherwise=otherwise,
    )


async def test_a_record_that_fails_its_group_fails_alone_and_the_others_are_stored(
    database_url: str,
) -> None:
    async with painlog_database(database_url) as db:
        await db.write_new(_pain_record("before"))
        records = [_pain_record(f"g-{i}") for i in range(5)] + [
            _pain_record("too-long", tenant_id="t" * 65),  # PostgreSQL: varchar(64)
            _pain_record("before"),
        ]
        results = await asyncio.gather(*(db.write_new(r) for r in records), return_exceptions=True)
        async with db.read() as session:
            stored = set(await session.scalars(select(painlog_store.pain_logs.c.log_id)))
    assert results[:5] == [f"g-{i} stored" for i in range(5)]
    assert results[6] == "before taken"
    if db.is_sqlite:  # no length limit: stored like the others
        assert results[5] == "too-long stored"
    else:
        assert isinstance(results[5], DBAPIError)
    assert stored >= {"before", *(f"g-{i}" for i in range(5))}
    assert ("too-long" in stored) == db.is_sqlite


def _full_record(log_id: str, key: str, event_id: uuid.UUID | None = None) -> NewRecord:
    """A pain log with its Idempotency-Key and its event, every kind of column filled."""
    base = _pain_record(log_id)
    observed = datetime(2026, 11, 30, 7, 15, 30, 123456, tzinfo=timezone(timedelta(hours=2)))
    row = {
        **base.row,
        "observed_at": observed,
        "received_at": observed,
        "exercise_id": "bird-dog",
        "context": "after_exercise",
        "qualities": ["burning", "ache"],
        "locations": ["thigh"],
        "morning": {"hours_sat": 5.5, "heavy_lifting": False, "stress": None},
    }
    event = PainLogged(
        tenant_id=row["tenant_id"],
        user_id=row["user_id"],
        occurred_at=observed,
        log_id=log_id,
        observed_at=observed,
        level=3,
        context="after_exercise",
        exercise_id="bird-dog",
        qualities=("burning", "ache"),
        locations=("thigh",),
        **({"event_id": event_id} if event_id else {}),
    )
    idempotency = {
        "tenant_id": row["tenant_id"],
        "key": key,
        "fingerprint": "p" * 64,
        "status_code": 202,
        "response_body": '{"status": "accepted"}',
        "created_at": observed,
    }
    return NewRecord(
        table=painlog_store.pain_logs,
        row=row,
        events=[event],
        result=f"{log_id} stored",
        idempotency=idempotency,
        otherwise=base.otherwise,
    )


async def _stored(db: Database, log_id: str, key: str) -> tuple[Any, ...]:
    async with db.read() as session:
        row = (
            await session.execute(
                select(painlog_store.pain_logs).where(painlog_store.pain_logs.c.log_id == log_id)
            )
        ).one()
        outbox = db.tables.outbox
        event = (
            await session.execute(
                select(
                    outbox.c.tenant_id, outbox.c.event_type, outbox.c.priority, outbox.c.payload
                ).where(outbox.c.payload.contains(f'"log_id":"{log_id}"'))
            )
        ).one()
        keys = db.tables.idempotency_keys
        stored_key = (await session.execute(select(keys).where(keys.c.key == key))).one()
    payload = json.loads(event.payload)
    ignored = {"log_id", "event_id", "emitted_at", "correlation_id"}
    return (
        {k: v for k, v in row._mapping.items() if k != "log_id"},
        (event.tenant_id, event.event_type, event.priority),
        {k: v for k, v in payload.items() if k not in ignored},
        {k: v for k, v in stored_key._mapping.items() if k != "key"},
    )


async def test_a_group_stores_exactly_what_a_record_stored_alone_stores(database_url: str) -> None:
    """The group's bulk statements (on PostgreSQL asyncpg's own, `shared.db.pg_bulk`) and the
    one-record path store the same values: times with their zone, JSON, booleans, ids."""
    async with painlog_database(database_url) as db:
        await db.write_new_alone(_full_record("alone", "k-alone"))
        results = await asyncio.gather(
            *(db.write_new(_full_record(f"grouped-{i}", f"k-{i}")) for i in range(4))
        )
        assert results == [f"grouped-{i} stored" for i in range(4)]
        alone = await _stored(db, "alone", "k-alone")
        for i in range(4):
            assert await _stored(db, f"grouped-{i}", f"k-{i}") == alone
    row = alone[0]
    assert row["observed_at"] == datetime(2026, 11, 30, 5, 15, 30, 123456, tzinfo=UTC)
    assert row["morning"] == {"hours_sat": 5.5, "heavy_lifting": False, "stress": None}
    assert alone[1] == ("tn_g", "pain-logged", True)


async def test_a_group_whose_events_fail_leaves_nothing_half_stored(database_url: str) -> None:
    """Two records of one group carry the same event id: the outbox refuses the second, the
    group's keys and rows are rolled back with it, and each record is then stored alone: the
    first whole, the second not at all (its key, row and event all absent)."""
    shared_id = uuid.uuid4()
    async with painlog_database(database_url) as db:
        first, second, third = await asyncio.gather(
            db.write_new(_full_record("first", "k-first", shared_id)),
            db.write_new(_full_record("second", "k-second", shared_id)),
            db.write_new(_full_record("third", "k-third")),
            return_exceptions=True,
        )
        async with db.read() as session:
            logs = set(await session.scalars(select(painlog_store.pain_logs.c.log_id)))
            keys = set(await session.scalars(select(db.tables.idempotency_keys.c.key)))
            events = await session.scalar(select(func.count()).select_from(db.tables.outbox))
    assert (first, third) == ("first stored", "third stored")
    assert isinstance(second, IntegrityError)
    assert logs == {"first", "third"}
    assert keys == {"k-first", "k-third"}
    assert events == 2


async def test_records_keyed_by_a_uuid_are_stored_once_in_a_group(services: Stack) -> None:
    """A quiz response's key is a UUID (SQLite gives it back as text): each submission of a
    group is stored once, with its one event, on both databases."""
    from services.quiz import store as quiz_store

    key = (await services.create_tenant())["api_key"]["key"]
    db: Database = services.apps["quiz"].state.db
    writes = db.record_commit.stats.writes
    responses = await _quizzes_at_once(services, key, 8)
    async with db.read() as session:
        stored = await session.scalar(select(func.count()).select_from(quiz_store.responses))
        events = await session.scalar(select(func.count()).select_from(db.tables.outbox))
    assert [r.status_code for r in responses] == [202] * 8
    assert (stored, events) == (8, 8)
    assert db.record_commit.stats.writes - writes == 8


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_postgresql_group_that_waits_does_not_hold_back_the_next(
    database_url: str,
) -> None:
    """Two groups are in flight at once on PostgreSQL: one waiting for a key another
    transaction holds leaves the next group free to commit; it then stores its own."""
    async with painlog_database(database_url) as db:
        record = _full_record("held", "k-held")
        async with db.engine.connect() as other:
            held = await other.begin()
            await other.execute(insert(db.tables.idempotency_keys).values(record.idempotency or {}))
            waiting = asyncio.create_task(db.write_new(record))
            await asyncio.sleep(0.3)  # its group now waits on the uncommitted key
            assert not waiting.done()
            free = await asyncio.wait_for(db.write_new(_full_record("free", "k-free")), 5)
            assert free == "free stored"
            await held.rollback()
        assert await asyncio.wait_for(waiting, 5) == "held stored"
        assert len(await _stored(db, "held", "k-held")) == 4


async def _quizzes_at_once(services: Stack, key: str, count: int) -> list[httpx.Response]:
    """`count` users' quizzes posted at once (one group commit can take them together)."""
    from tests.factories.quiz import clean_answers

    return await asyncio.gather(
        *(
            services.clients["quiz"].post(
                f"/v1/users/u-{i}/quiz",
                json=clean_answers(),
                headers={**bearer(key), "Idempotency-Key": f"q-{i}"},
            )
            for i in range(count)
        )
    )


# --- SQLite: a group's statements on the event loop's thread ------------------------------


def _threads_of(engine: Any, seen: list[int]) -> Any:
    def record(*_: Any) -> None:
        seen.append(threading.get_ident())

    event.listen(engine, "before_cursor_execute", record)
    return record


async def test_a_sqlite_group_is_stored_on_the_loops_thread_without_a_hop(
    sqlite_url: str,
) -> None:
    """While no other process holds SQLite's write lock, a group's records and the relay's
    read and mark run on the event loop's own thread: no hop to a worker thread and back."""
    async with painlog_database(sqlite_url) as db:
        assert db.sync_sqlite is not None
        seen: list[int] = []
        hook = _threads_of(db.sync_sqlite.inline, seen)
        try:
            results = await asyncio.gather(
                *(db.write_new(_pain_record(f"l-{i}")) for i in range(6))
            )
        finally:
            event.remove(db.sync_sqlite.inline, "before_cursor_execute", hook)
    assert results == [f"l-{i} stored" for i in range(6)]
    assert seen and set(seen) == {threading.get_ident()}
    assert db.sync_sqlite.waited == 0


async def test_a_sqlite_group_waits_in_a_thread_while_another_process_holds_the_lock(
    sqlite_url: str,
) -> None:
    """Another connection (another process, as a second replica would be) holds the write
    lock: the group is not stored on the loop, which keeps running, but waits in a worker
    thread; once the lock is released it is stored once, whole."""
    async with painlog_database(sqlite_url) as db:
        assert db.sync_sqlite is not None
        database = make_url(sqlite_url).database
        other = sqlite3.connect(database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            writes = asyncio.gather(*(db.write_new(_pain_record(f"w-{i}")) for i in range(3)))
            ticks = 0
            while db.sync_sqlite.waited == 0:  # the loop goes on meanwhile
                ticks += 1
                await asyncio.sleep(0.01)
            assert not writes.done()
            assert ticks >= 1
        finally:
            other.execute("COMMIT")
            other.close()
        assert await writes == [f"w-{i} stored" for i in range(3)]
        async with db.read() as session:
            stored = list(await session.scalars(select(painlog_store.pain_logs.c.log_id)))
    assert sorted(stored) == ["w-0", "w-1", "w-2"]
