"""Use cases of the painlog service that read: one page of a user's timeline, and the
timeline a chart draws."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from services.painlog import store
from services.painlog.domain.timeline import (
    ChartData,
    FlareMark,
    OrderKey,
    PainPoint,
    RemovalMark,
    SessionMark,
    Window,
    in_event_time,
)
from services.painlog.records import (
    Stored,
    StoredFlare,
    StoredPainLog,
    StoredRemoval,
    StoredSession,
)


@dataclass(frozen=True, slots=True)
class Timeline:
    """One user's timeline within a window, from just after a key: its first `limit + 1`
    entries in event time (one more than a page shows: whether more follow), and the flares
    found among its pain logs (by log id)."""

    user_id: str
    window: Window
    entries: list[Stored]
    limit: int
    flares: dict[str, StoredFlare]

    @property
    def shown(self) -> list[Stored]:
        return self.entries[: self.limit]

    def chart_data(self) -> ChartData:
        flares, shown = self.flares, self.shown
        return ChartData(
            user_id=self.user_id,
            window=self.window,
            points=tuple(
                PainPoint(e.observed_at, e.level, e.context, e.log_id in flares)
                for e in shown
                if isinstance(e, StoredPainLog)
            ),
            sessions=tuple(
                SessionMark(e.started_at, e.completed_at)
                for e in shown
                if isinstance(e, StoredSession)
            ),
            flares=tuple(
                FlareMark(f.observed_at, f.level, f.baseline)
                for e in shown
                if isinstance(e, StoredPainLog) and (f := flares.get(e.log_id)) is not None
            ),
            removals=tuple(
                RemovalMark(e.decided_at, e.exercise_id)
                for e in shown
                if isinstance(e, StoredRemoval)
            ),
            truncated=len(self.entries) > self.limit,
        )


async def read_timeline(
    session: AsyncSession,
    tenant_id: str,
    user_id: str,
    window: Window,
    after: OrderKey | None,
    limit: int,
) -> Timeline | None:
    """The first `limit + 1` entries after `after` (None: from the window's start). None when
    this tenant holds nothing about the user (the caller answers 404)."""
    if not await store.user_known(session, tenant_id, user_id):
        return None
    found = await store.timeline_after(session, tenant_id, user_id, window, after, limit)
    entries, _ = in_event_time(found, limit + 1)
    logs = [e.log_id for e in entries if isinstance(e, StoredPainLog)]
    flares = await store.flares_of(session, tenant_id, user_id, logs)
    return Timeline(user_id, window, entries, limit, {f.log_id: f for f in flares})
