"""Database plumbing on SQLite and PostgreSQL: migrations on start, units of work, times."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from services.quiz import store as quiz_store
from shared.db.database import Database
from shared.db.migrations import at_head, head_revision

QUIZ_MIGRATIONS = Path(quiz_store.__file__).parent / "migrations"


def quiz_db(url: str) -> Database:
    return Database(
        url,
        service="quiz",
        metadata=quiz_store.metadata,
        tables=quiz_store.platform,
        migrations=QUIZ_MIGRATIONS,
    )


async def test_migrations_apply_on_start_and_twice_is_harmless(database_url: str) -> None:
    db = quiz_db(database_url)
    try:
        await db.migrate()
        await db.migrate()  # a restart, or a second replica
        async with db.engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
            version = (
                await conn.execute(text("SELECT version_num FROM alembic_version_quiz"))
            ).all()
        assert {"quiz_responses", "quiz_outbox", "quiz_processed_events"} <= tables
        assert "quiz_idempotency_keys" in tables and "quiz_tenant_keys" in tables
        assert len(version) == 1
    finally:
        await db.dispose()


@pytest.mark.parametrize(
    "service", ["tenants", "quiz", "planner", "painlog", "flare_detector", "notifier"]
)
def test_the_head_read_from_the_revision_files_is_alembics(service: str) -> None:
    from alembic.script import ScriptDirectory

    location = Path("services") / service / "migrations"
    assert head_revision(location) == ScriptDirectory(str(location)).get_current_head()


async def test_a_restart_at_the_head_skips_alembic_and_any_other_revision_goes_through_it(
    database_url: str,
) -> None:
    db = quiz_db(database_url)
    table = "alembic_version_quiz"
    try:
        assert not await at_head(db.engine, QUIZ_MIGRATIONS, table)  # a first start
        await db.migrate()
        assert await at_head(db.engine, QUIZ_MIGRATIONS, table)
        first = "46cd890e4a5c"  # the initial revision: the next one adds outbox.priority
        async with db.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE quiz_outbox DROP COLUMN priority"))
            await conn.execute(text(f"UPDATE {table} SET version_num = :v"), {"v": first})
        assert not await at_head(db.engine, QUIZ_MIGRATIONS, table)
        await db.migrate()  # not at the head: Alembic runs the missing revision
        assert await at_head(db.engine, QUIZ_MIGRATIONS, table)
        async with db.engine.connect() as conn:
            columns = await conn.run_sync(lambda c: inspect(c).get_columns("quiz_outbox"))
        assert "priority" in {c["name"] for c in columns}
    finally:
        await db.dispose()


def _response(user_id: str, submitted_at: datetime) -> quiz_store.ResponseRecord:
    return quiz_store.ResponseRecord(
        response_id=quiz_store.new_response_id(),
        tenant_id="tn_a",
        user_id=user_id,
        questionnaire_version="v",
        answers={},
        status="accepted",
        referral_level=None,
        reasons=[],
        submitted_at=submitted_at,
    )


async def test_stored_times_come_back_aware_in_utc(database_url: str) -> None:
    db = quiz_db(database_url)
    await db.migrate()
    try:
        paris = timezone(timedelta(hours=1))
        async with db.unit_of_work() as uow:
            await quiz_store.add_response(
                uow.session,
                _response("u1", datetime(2026, 11, 20, 8, 30, tzinfo=paris)),
            )
        async with db.read() as session:
            row = await quiz_store.latest_response(session, "tn_a", "u1")
        assert row is not None
        assert row.submitted_at == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
        assert row.submitted_at.tzinfo is not None
        with pytest.raises(Exception, match="naive"):
            async with db.unit_of_work() as uow:
                await quiz_store.add_response(
                    uow.session,
                    _response("u2", datetime(2026, 11, 20, 8, 30)),
                )
    finally:
        await db.dispose()


async def test_a_read_does_not_wait_for_a_writer(database_url: str) -> None:
    db = quiz_db(database_url)
    await db.migrate()
    try:
        writing = asyncio.Event()
        release = asyncio.Event()

        async def long_writer() -> None:
            async with db.unit_of_work() as uow:
                await uow.session.execute(text("DELETE FROM quiz_responses"))
                writing.set()
                await release.wait()

        writer = asyncio.create_task(long_writer())
        await writing.wait()

        async def read() -> int:
            async with db.read() as session:
                rows = await session.execute(select(quiz_store.responses.c.response_id))
                return len(rows.all())

        # SQLite's busy timeout is 30 s: a read that queued behind the writer would time out.
        assert await asyncio.wait_for(read(), timeout=5) == 0
        release.set()
        await writer
    finally:
        await db.dispose()


async def test_a_unit_of_work_inside_another_is_refused_rather_than_hanging(
    database_url: str,
) -> None:
    db = quiz_db(database_url)
    await db.migrate()
    try:
        async with db.unit_of_work():
            with pytest.raises(RuntimeError, match="inside a unit of work"):
                async with db.unit_of_work():
                    pass
        async with db.unit_of_work():  # and the next one is fine
            pass
    finally:
        await db.dispose()


async def test_a_read_sees_one_snapshot_across_its_statements(database_url: str) -> None:
    """A row and its children read in two statements must not straddle another commit."""
    db = quiz_db(database_url)
    await db.migrate()
    table = quiz_store.platform.idempotency_keys
    try:
        async with db.read() as session:
            before = len((await session.execute(select(table))).all())
            async with db.unit_of_work() as uow:
                await uow.session.execute(
                    table.insert().values(
                        tenant_id="tn_snap",
                        key="k1",
                        fingerprint="f",
                        status_code=200,
                        response_body="{}",
                        created_at=datetime.now(UTC),
                    )
                )
            after = len((await session.execute(select(table))).all())
        assert after == before
        async with db.read() as session:
            assert len((await session.execute(select(table))).all()) == before + 1
    finally:
        await db.dispose()
