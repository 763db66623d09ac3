"""The unit of work: state changes and the events they cause, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import unnest
from shared.db.platform_tables import PlatformTables
from shared.events.base import Event, utc_now

# Set while code runs inside a unit of work: one opened inside it would, on SQLite, wait
# forever for the writer its own caller holds.
_in_unit_of_work: ContextVar[bool] = ContextVar("in_unit_of_work", default=False)


@contextmanager
def inside_unit_of_work() -> Iterator[None]:
    if _in_unit_of_work.get():
        raise RuntimeError("a unit of work inside a unit of work: use the outer one")
    token = _in_unit_of_work.set(True)
    try:
        yield
    finally:
        _in_unit_of_work.reset(token)


class UnitOfWork:
    def __init__(self, session: AsyncSession, tables: PlatformTables) -> None:
        self.session = session
        self.tables = tables
        self.emitted = 0
        # Set once the work is done and COMMIT is about to be sent (`Database.write` retries
        # a transaction whose connection died only before that).
        self.committing = False
        # Run by `Database` once this unit of work has committed (never if it rolls back):
        # e.g. an in-memory copy that must never be ahead of the rows it mirrors.
        self.after_commit: list[Callable[[], None]] = []
        self._on_postgresql: bool | None = None

    async def emit(self, *events: Event) -> None:
        """Write events to the outbox; they reach Redis only if the transaction commits."""
        if not events:
            return
        rows = outbox_rows(events)
        if self.on_postgresql:
            await unnest.insert_all_in(await self.session.connection(), self.tables.outbox, rows)
        else:
            await self.session.execute(insert(self.tables.outbox), rows)
        self.emitted += len(events)

    @property
    def on_postgresql(self) -> bool:
        """PostgreSQL takes a batch's rows as arrays (`shared.db.unnest`): one statement,
        prepared once, whatever the batch's size."""
        if self._on_postgresql is None:
            self._on_postgresql = self.session.get_bind().dialect.name == "postgresql"
        return self._on_postgresql


def outbox_rows(events: Sequence[Event]) -> list[dict[str, Any]]:
    now = utc_now()
    return [
        {
            "event_id": e.event_id,
            "tenant_id": e.tenant_id,
            "event_type": e.event_type,
            "payload": e.model_dump_json(),
            "correlation_id": e.correlation_id,
            "created_at": now,
            "attempts": 0,
            "priority": e.urgent,
        }
        for e in events
    ]
