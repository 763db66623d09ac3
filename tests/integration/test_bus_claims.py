"""The bus's claim and the outbox rows of a batch, on both databases (on PostgreSQL one
unnest() statement each, `shared.db.unnest`): only events never applied are handed on, and
a batch that fails leaves neither its claims nor its outbox rows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from shared.db.database import Database
from shared.db.uow import UnitOfWork
from shared.events.painlog import PainLogged
from shared.messaging.consumer import EventProcessor, Subscription, SubscriptionMetrics
from tests.support.painlog import painlog_database
from tests.support.probe import pain_event


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    async with painlog_database(database_url) as database:
        yield database


class Echo:
    """A handler that emits one follow-up per event (a copy under a new id) and can fail."""

    def __init__(self) -> None:
        self.seen: list[list[str]] = []
        self.fail = False

    async def __call__(self, events: Sequence[Any], uow: UnitOfWork) -> None:
        self.seen.append([str(e.event_id) for e in events])
        await uow.emit(*(pain_event(tenant_id=e.tenant_id, level=e.level) for e in events))
        if self.fail:
            raise RuntimeError("the handler failed after emitting")


async def count(db: Database, table: Any, tenant: str) -> int:
    async with db.read() as session:
        n = await session.scalar(
            select(func.count()).select_from(table).where(table.c.tenant_id == tenant)
        )
    return int(n or 0)


async def test_a_batch_hands_on_only_events_never_applied(
    db: Database, redis_url: str, prefix: str
) -> None:
    tenant = f"tn_{prefix.strip(':').replace('-', '_')}"[:60]
    a, b, c = (pain_event(tenant_id=tenant, level=i) for i in (1, 2, 3))
    handler = Echo()
    sub = Subscription(
        PainLogged, handler, f"{prefix}x", SubscriptionMetrics.of("painlog", f"{prefix}x")
    )
    processor = EventProcessor(db, Redis.from_url(redis_url), service="painlog", dlq_maxlen=10)
    try:
        assert await processor.apply_many(sub, [a, b]) == 2
        assert await processor.apply_many(sub, [b, c, c, a]) == 1  # c once; a and b done
        handler.fail = True
        d = pain_event(tenant_id=tenant, level=4)
        with pytest.raises(RuntimeError):
            await processor.apply_many(sub, [d])
        # Nothing of the failed batch is left: its claim and its outbox row rolled back.
        tables = db.tables
        assert await count(db, tables.processed_events, tenant) == 3
        assert await count(db, tables.outbox, tenant) == 3
        handler.fail = False
        assert await processor.apply_many(sub, [d]) == 1
    finally:
        await processor.redis.aclose()
    assert handler.seen == [
        [str(a.event_id), str(b.event_id)],
        [str(c.event_id)],
        [str(d.event_id)],
        [str(d.event_id)],
    ]
    async with db.read() as session:
        outbox = db.tables.outbox
        rows = (
            await session.execute(
                select(outbox.c.tenant_id, outbox.c.payload, outbox.c.priority, outbox.c.attempts)
                .where(outbox.c.tenant_id == tenant)
                .order_by(outbox.c.id)
            )
        ).all()
    # As SQLAlchemy would store them: the payload is the event, nothing published yet.
    assert [PainLogged.model_validate_json(r.payload).level for r in rows] == [1, 2, 3, 4]
    assert all(r.priority is False and r.attempts == 0 for r in rows)
