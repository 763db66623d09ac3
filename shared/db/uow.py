"""The unit of work: state changes and the events they cause, in one transaction."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.platform_tables import PlatformTables
from shared.events.base import Event, utc_now


class UnitOfWork:
    def __init__(self, session: AsyncSession, tables: PlatformTables) -> None:
        self.session = session
        self.tables = tables
        self.emitted = 0

    async def emit(self, *events: Event) -> None:
        """Write events to the outbox; they reach Redis only if the transaction commits."""
        if not events:
            return
        now = utc_now()
        await self.session.execute(
            insert(self.tables.outbox),
            [
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
            ],
        )
        self.emitted += len(events)
