"""The outbox table as the relay reads and marks it: the oldest unpublished rows (claimed
and marked in one statement on PostgreSQL, read then marked on SQLite), how many still wait,
and the published rows past their retention deleted now and then."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, select, update

from shared.db.database import Database
from shared.db.engine import READ_ONLY
from shared.events.base import utc_now

PUBLISHED_RETENTION = timedelta(days=3)


class OutboxRows:
    """The relay's statements on `db`'s outbox, `batch` rows at a time; each built once."""

    def __init__(self, db: Database, *, batch: int) -> None:
        self.db = db
        self.batch = batch
        self._claim_statement: Any = None
        self._select_statement: Any = None

    def select_unpublished(self) -> Any:
        if self._select_statement is None:
            self._select_statement = self._build_select()
        return self._select_statement

    def _build_select(self) -> Any:
        outbox = self.db.tables.outbox
        return (
            select(*self._published_columns())
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(self.batch)
        )

    def _published_columns(self) -> list[Any]:
        c = self.db.tables.outbox.c
        return [c.id, c.event_type, c.payload, c.correlation_id, c.priority]

    def claim(self) -> tuple[Any, dict[str, Any]]:
        if self._claim_statement is None:
            self._claim_statement = self._build_claim()
        return self._claim_statement, {"now": utc_now()}

    def _build_claim(self) -> Any:
        """Built once: a statement built per pass is coerced and given a cache key each
        time (more CPU than its round trip)."""
        outbox = self.db.tables.outbox
        oldest = (
            select(outbox.c.id)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.id)
            .limit(self.batch)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            update(outbox)
            .where(outbox.c.id.in_(oldest.scalar_subquery()))
            .values(published_at=bindparam("now"), attempts=outbox.c.attempts + 1)
            .returning(*self._published_columns())
        )
        return stmt

    def unpublished_sync(self, engine: Engine) -> list[Any]:
        # A read transaction (deferred BEGIN): it takes no write lock.
        with engine.connect().execution_options(**{READ_ONLY: True}) as conn, conn.begin():
            return list(conn.execute(self.select_unpublished()).all())

    def mark_sync(self, engine: Engine, *, rows: list[Any], sweep: bool) -> int:
        with engine.begin() as conn:
            return self.mark_on(conn, rows, sweep)

    def mark_on(self, conn: Connection, rows: list[Any], sweep: bool) -> int:
        """Mark `rows` published, in one statement; then the bookkeeping."""
        outbox = self.db.tables.outbox
        if rows:
            conn.execute(
                update(outbox)
                .where(outbox.c.id.in_([r.id for r in rows]))
                .values(published_at=utc_now(), attempts=outbox.c.attempts + 1)
            )
        return self.bookkeeping(conn, len(rows), sweep)

    def bookkeeping(self, conn: Connection, relayed: int, sweep: bool) -> int:
        """How many rows wait (no query when this pass took all there were); on a `sweep`
        pass the published rows past their retention are deleted."""
        outbox = self.db.tables.outbox
        pending = 0
        if relayed >= self.batch:
            pending = (
                conn.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                )
                or 0
            )
        if sweep:
            conn.execute(
                delete(outbox).where(outbox.c.published_at < utc_now() - PUBLISHED_RETENTION)
            )
        return pending


def by_id(row: Any) -> int:
    return int(row.id)
