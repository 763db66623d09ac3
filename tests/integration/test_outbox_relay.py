"""One outbox relay pass costs a few statements whatever its size: on PostgreSQL the rows are
claimed and marked by one UPDATE .. RETURNING, on a SQLite file read and marked in one hop
each through the synchronous engine; a pass whose publishing fails leaves its rows to the
next one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from redis.asyncio import Redis
from sqlalchemy import Engine, Insert, event, func, select

from shared.db.database import Database
from shared.events.painlog import PainLogged
from shared.events.streams import PRIORITY_LANE, lane_name, stream_name
from shared.messaging import envelope
from shared.messaging.outbox import XADD_CHUNK, OutboxRelay
from tests.support.painlog import painlog_database
from tests.support.probe import pain_event


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with painlog_database(database_url) as database:
        yield database


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        seen.append(sql.split()[0].upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def relay(db: Database, redis_url: str, prefix: str) -> OutboxRelay:
    return OutboxRelay(
        db,
        Redis.from_url(redis_url),
        prefix=prefix,
        maxlen=10_000,
        batch=100,
        poll_s=0.5,
    )


async def emit(db: Database, n: int) -> None:
    async with db.unit_of_work() as uow:
        await uow.emit(*(pain_event() for _ in range(n)))


async def unpublished(db: Database) -> int:
    outbox = db.tables.outbox
    async with db.read() as session:
        count = await session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        )
    return int(count or 0)


async def test_a_pass_publishes_its_rows_in_few_statements(
    db: Database, redis_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    await emit(db, 30)
    relayer = relay(db, redis_url, prefix)
    relayer._passes = 1  # not a retention sweep pass
    with statements(db.engine.sync_engine) as sent_async:
        if db.sync_sqlite is not None:
            with statements(db.sync_sqlite.inline) as sent_sync:
                assert await relayer.relay_once() == 30
        else:
            sent_sync = []
            assert await relayer.relay_once() == 30
    await relayer.redis.aclose()
    if db.is_sqlite:
        assert sent_async == []
        assert sent_sync == ["BEGIN", "SELECT", "BEGIN", "UPDATE"]  # a read, then the mark
    else:
        assert sent_async == ["UPDATE"]  # claimed, marked and returned at once
    assert await unpublished(db) == 0
    assert redis_client.xlen(stream_name(prefix, PainLogged.TYPE)) == 30


async def test_a_pass_that_cannot_publish_leaves_its_rows_for_the_next(
    db: Database, redis_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    await emit(db, 5)
    down = OutboxRelay(
        db,
        Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5),
        prefix=prefix,
        maxlen=10_000,
        batch=100,
        poll_s=0.5,
    )
    with pytest.raises(redis.exceptions.ConnectionError):
        await down.relay_once()
    await down.redis.aclose()
    assert await unpublished(db) == 5
    up = relay(db, redis_url, prefix)
    assert await up.relay_once() == 5
    await up.redis.aclose()
    assert await unpublished(db) == 0
    assert redis_client.xlen(stream_name(prefix, PainLogged.TYPE)) == 5


async def test_a_pass_reuses_its_statements(db: Database, redis_url: str, prefix: str) -> None:
    """Built once per relay, not per pass (coercion and cache keys cost more CPU than the
    round trip)."""
    executed: list[Any] = []

    def record(_conn: Any, clause: Any, *_: Any) -> None:
        if not isinstance(clause, (str, Insert)):  # not the emits
            executed.append(clause)

    engine = db.sync_sqlite.inline if db.sync_sqlite else db.engine.sync_engine
    relayer = relay(db, redis_url, prefix)
    relayer._passes = 1
    event.listen(engine, "before_execute", record)
    try:
        for _ in range(2):
            await emit(db, 3)
            assert await relayer.relay_once() == 3
    finally:
        event.remove(engine, "before_execute", record)
        await relayer.redis.aclose()
    # PostgreSQL: the claim each pass; SQLite: the read, then the mark (its ids inlined).
    per_pass = len(executed) // 2
    assert per_pass in (1, 2)
    assert executed[per_pass] is executed[0]


async def test_a_pass_keeps_each_streams_order_across_chunks_and_copies_urgent_events(
    db: Database, redis_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    """More rows than one script call takes: every stream still gets its rows in id order,
    and an urgent one (shooting pain after an exercise) on its priority lane as well."""
    n = XADD_CHUNK + 120
    urgent_every = 50
    events = [
        pain_event(
            level=i % 11,
            **(
                {
                    "context": "after_exercise",
                    "exercise_id": "glute-bridge",
                    "qualities": ("shooting",),
                }
                if i % urgent_every == 0
                else {}
            ),
        )
        for i in range(n)
    ]
    async with db.unit_of_work() as uow:
        await uow.emit(*events)
    relayer = OutboxRelay(
        db, Redis.from_url(redis_url), prefix=prefix, maxlen=10_000, batch=n, poll_s=0.5
    )
    relayer._passes = 1
    try:
        assert await relayer.relay_once() == n
    finally:
        await relayer.redis.aclose()
    stream = stream_name(prefix, PainLogged.TYPE)

    def ids_on(key: str) -> list[str]:
        return [
            json.loads(envelope.body_of(fields[b"__data__"]))["event_id"]
            for _, fields in redis_client.xrange(key)
        ]

    assert ids_on(stream) == [str(e.event_id) for e in events]
    assert ids_on(lane_name(stream, PRIORITY_LANE)) == [
        str(e.event_id) for e in events[::urgent_every]
    ]
