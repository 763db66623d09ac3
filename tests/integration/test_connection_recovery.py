"""PostgreSQL connections the server closed are recovered without a ping per checkout: a
closed one is replaced when taken from the pool, and a write whose connection dies before
its commit runs again on a fresh one, stored once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import make_url

from shared.db.database import Database
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from tests.integration.test_fast_ingest import pain_log
from tests.support.painlog import painlog_database, painlog_stack
from tests.support.stack import bearer

# PostgreSQL connections only: the SQLite case is not generated at all (the shared fixture
# still skips with a message where PostgreSQL does not answer).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


@pytest.fixture
async def pg_url(database_url: str) -> str:
    return database_url


@pytest.fixture
async def db(pg_url: str) -> AsyncIterator[Database]:
    async with painlog_database(pg_url) as database:
        yield database


async def kill_connections(url: str) -> int:
    """Terminate every other backend connected to this database; wait until they are gone
    and this process's event loop has seen their sockets close."""
    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        pids = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            parsed.database,
        )
        for row in pids:
            await conn.execute("SELECT pg_terminate_backend($1)", row["pid"])
        for _ in range(200):
            left = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])",
                [r["pid"] for r in pids],
            )
            if not left:
                break
            await asyncio.sleep(0.01)
    finally:
        await conn.close()
    await asyncio.sleep(0.05)  # the closed sockets' EOF reaches asyncpg
    return len(pids)


def round_trips(db: Database) -> list[str]:
    """Every query the server is sent from here on (asyncpg's query logger on each new
    connection: BEGIN and ROLLBACK included, which SQLAlchemy's events do not show)."""
    seen: list[str] = []

    def log(record: Any) -> None:
        seen.append(record.query)

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.driver_connection.add_query_logger(log)

    event.listen(db.engine.sync_engine, "connect", on_connect)
    return seen


async def test_a_connection_closed_by_the_server_is_replaced_at_checkout(db: Database) -> None:
    async with db.read() as session:
        first = await session.scalar(text("SELECT pg_backend_pid()"))
    assert await kill_connections(db.url) >= 1
    # A read is not retried: it succeeds only because the dead connection is not handed out.
    async with db.read() as session:
        second = await session.scalar(text("SELECT pg_backend_pid()"))
    assert second != first


async def test_a_checkout_sends_no_ping(db: Database) -> None:
    await db.engine.dispose()  # from here, new connections only
    sent = round_trips(db)
    await db.ping()  # a new connection
    del sent[:]
    await db.ping()  # the same connection, from the pool
    # The read's own transaction (its statement goes by the extended protocol, which this
    # logger does not show), and no BEGIN; ROLLBACK around a ping before it.
    assert sent == ["BEGIN ISOLATION LEVEL REPEATABLE READ;", "COMMIT;"]


async def test_a_write_whose_connection_dies_before_commit_runs_again_stored_once(
    db: Database,
) -> None:
    table = db.tables.idempotency_keys
    attempts: list[int] = []

    async def work(uow: UnitOfWork) -> str:
        attempts.append(1)
        await uow.session.execute(
            insert(table).values(
                tenant_id="tn_r",
                key="k",
                fingerprint="f",
                status_code=202,
                response_body="{}",
                created_at=utc_now(),
            )
        )
        if len(attempts) == 1:  # the server ends this connection mid-transaction
            await uow.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return "stored"

    assert await db.write(work) == "stored"
    async with db.read() as session:
        stored = await session.scalar(select(func.count()).select_from(table))
    assert len(attempts) == 2
    assert stored == 1


async def test_pain_is_accepted_after_every_connection_was_killed(
    redis_url: str, pg_url: str, prefix: str
) -> None:
    async with painlog_stack(redis_url, pg_url, prefix) as services:
        key = (await services.create_tenant())["api_key"]["key"]
        client = services.clients["painlog"]
        headers = bearer(key)
        first = await asyncio.gather(
            *(
                client.post("/v1/users/p-1/pain", json=pain_log(f"a-{i}"), headers=headers)
                for i in range(8)
            )
        )
        assert await kill_connections(pg_url) >= 1
        after = await asyncio.gather(
            *(
                client.post("/v1/users/p-1/pain", json=pain_log(f"b-{i}"), headers=headers)
                for i in range(8)
            )
        )
        timeline = await client.get("/v1/users/p-1/pain", headers=headers)
    assert [r.status_code for r in first + after] == [202] * 16
    assert len(timeline.json()["items"]) == 16
