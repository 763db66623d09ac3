"""The planner's use cases take a consumed batch whole: the users it touches are read once and
written once, so the statements a batch costs do not grow with its size, and a batch gives
the same plans as its events one at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from services.planner import service, store
from services.planner.domain.library import Library
from shared.db.database import Database
from shared.events.quiz import QuizCompleted
from tests.factories.planner import ACUTE, SUBACUTE, answers, library, removal
from tests.support.planner_events import quiz_completed

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def tenant(prefix: str) -> str:
    """This test's own tenant id (prefix without its colon): its rows are its own."""
    return prefix.rstrip(":").replace(":", "_")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(
        database_url,
        service="planner",
        metadata=store.metadata,
        tables=store.platform,
        migrations=None,
    )
    await database.migrate()
    yield database
    await database.dispose()


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.split()[0].upper())

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def quizzes(tenant: str, users: int) -> list[QuizCompleted]:
    """A quiz per user, and a later one for the first user: two versions in one batch."""
    made = [
        quiz_completed(tenant, f"u{i}", answers(SUBACUTE), occurred_at=T0) for i in range(users)
    ]
    return [*made, quiz_completed(tenant, "u0", answers(ACUTE), occurred_at=T0 + timedelta(1))]


async def apply_quizzes(db: Database, lib: Library, events: list[QuizCompleted]) -> list[str]:
    with counting(db) as seen:
        async with db.unit_of_work() as uow:
            await service.on_quizzes_completed(uow, lib, events)
    return [s for s in seen if s not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")]


async def test_a_batch_of_quizzes_costs_the_same_statements_whatever_its_size(
    db: Database, tenant: str
) -> None:
    lib = library()
    small = await apply_quizzes(db, lib, quizzes(f"{tenant}_small", 2))
    large = await apply_quizzes(db, lib, quizzes(f"{tenant}_large", 30))
    assert small == large
    assert len(large) <= 7  # users, removals, versions read; users, versions, outbox written

    async with db.read() as session:
        rows = await session.execute(
            select(store.users.c.user_id, store.users.c.current_version).where(
                store.users.c.tenant_id == f"{tenant}_large"
            )
        )
        current = dict(rows.all())
        outbox = await session.scalar(
            select(func.count())
            .select_from(store.platform.outbox)
            .where(store.platform.outbox.c.tenant_id == f"{tenant}_large")
        )
    assert current["u0"] == 2 and current["u29"] == 1 and len(current) == 30
    assert outbox == 31  # one plan-generated per version


async def test_a_batch_of_removals_gives_the_plans_its_events_give_one_at_a_time(
    db: Database, tenant: str
) -> None:
    lib = library()
    batched, single = f"{tenant}_batched", f"{tenant}_single"
    for owner in (batched, single):
        await apply_quizzes(db, lib, quizzes(owner, 3)[:3])

    def removals(tenant: str) -> list[Any]:
        return [
            removal("glute-bridge", tenant_id=tenant, user_id="u0", severity="suspected"),
            removal("clamshell", tenant_id=tenant, user_id="u1"),
            removal("glute-bridge", tenant_id=tenant, user_id="u0"),  # the upgrade, same batch
            removal("clamshell", tenant_id=tenant, user_id="u1"),  # a duplicate: no version
        ]

    with counting(db) as seen:
        async with db.unit_of_work() as uow:
            await service.on_exercises_removed(uow, lib, removals(batched))
    assert seen.count("INSERT") <= 3 and seen.count("SELECT") <= 3  # removals, versions, outbox
    for one in removals(single):
        async with db.unit_of_work() as uow:
            await service.on_exercises_removed(uow, lib, [one])

    async def outcome(tenant: str) -> tuple[Any, ...]:
        async with db.read() as session:
            versions = await session.execute(
                select(
                    store.versions.c.user_id,
                    store.versions.c.version,
                    store.versions.c.trigger,
                    store.versions.c.plan,
                )
                .where(store.versions.c.tenant_id == tenant)
                .order_by(store.versions.c.user_id, store.versions.c.version)
            )
            kept = await session.execute(
                select(
                    store.removals.c.user_id,
                    store.removals.c.exercise_id,
                    store.removals.c.severity,
                )
                .where(store.removals.c.tenant_id == tenant)
                .order_by(store.removals.c.user_id, store.removals.c.exercise_id)
            )
            return tuple(versions.all()), tuple(kept.all())

    got, expected = await outcome(batched), await outcome(single)
    assert got == expected
    versions, kept = got
    assert [(v.user_id, v.version, v.trigger) for v in versions] == [
        ("u0", 1, "quiz"),
        ("u0", 2, "removal"),  # the upgrade to confirmed changes nothing more in this plan
        ("u1", 1, "quiz"),
        ("u1", 2, "removal"),
        ("u2", 1, "quiz"),
    ]
    assert [tuple(k) for k in kept] == [
        ("u0", "glute-bridge", "confirmed"),
        ("u1", "clamshell", "confirmed"),
    ]
