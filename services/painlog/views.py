"""What the painlog service answers, as pydantic models: the one home of its response
schemas (the OpenAPI document's), and how a read's records become them."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field

from services.painlog.domain.timeline import order_key
from services.painlog.reads import Timeline
from services.painlog.records import Stored, StoredFlare, StoredPainLog, StoredSession
from shared.events.painlog import ExerciseDone, MorningContext
from shared.http.pagination import Page, page_of

# The list a timeline cursor belongs to (with the user: a cursor of another user's timeline
# is refused like one of another list).
TIMELINE_SCOPE = "painlog.timeline"


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class SessionAccepted(_View):
    status: Literal["accepted"]
    session_id: str
    received_at: datetime


class PainAccepted(_View):
    status: Literal["accepted"]
    log_id: str
    observed_at: datetime = Field(description="In UTC")
    received_at: datetime


class FlareFound(_View):
    """The flare detector's verdict on a pain log: a flare above the user's baseline."""

    flare_id: uuid.UUID
    baseline: float
    spread_further: bool


class PainEntry(_View):
    kind: Literal["pain"]
    at: datetime = Field(description="Event time: `observed_at`")
    log_id: str
    observed_at: datetime
    level: int
    context: str
    exercise_id: str | None
    session_id: str | None
    qualities: list[str]
    locations: list[str]
    morning: MorningContext | None
    received_at: datetime
    flare: FlareFound | None = Field(description="Set when the detector found this a flare")


class SessionEntry(_View):
    kind: Literal["session"]
    at: datetime = Field(description="Event time: `completed_at`")
    session_id: str
    started_at: datetime
    completed_at: datetime
    exercises: list[ExerciseDone]
    received_at: datetime


class RemovalEntry(_View):
    kind: Literal["removal"]
    at: datetime = Field(description="Event time: `decided_at`")
    exercise_id: str
    decided_at: datetime
    rule: Literal["immediate", "delayed"]
    severity: Literal["suspected", "confirmed"]


TimelineEntry = Annotated[PainEntry | SessionEntry | RemovalEntry, Field(discriminator="kind")]


class ChartLinks(_View):
    svg: str
    png: str


class TimelinePage(Page[TimelineEntry]):
    """One page of a user's timeline: sessions, pain logs and removals in event time (at one
    instant: sessions, then pain, then removals), within the window `from`-`to`."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    user_id: str
    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    chart: ChartLinks = Field(description="The same window drawn as a chart")


def timeline_scope(user_id: str) -> str:
    """The list's name with its user's (hashed: a cursor of a long id stays well within the
    cursor's bound, whatever its last item's id)."""
    return f"{TIMELINE_SCOPE}:{hashlib.sha256(user_id.encode()).hexdigest()[:16]}"


def _entry(e: Stored, flares: dict[str, StoredFlare]) -> PainEntry | SessionEntry | RemovalEntry:
    if isinstance(e, StoredPainLog):
        flare = flares.get(e.log_id)
        return PainEntry(
            kind="pain",
            at=e.observed_at,
            log_id=e.log_id,
            observed_at=e.observed_at,
            level=e.level,
            context=e.context,
            exercise_id=e.exercise_id,
            session_id=e.session_id,
            qualities=e.qualities,
            locations=e.locations,
            morning=MorningContext.model_validate(e.morning) if e.morning else None,
            received_at=e.received_at,
            flare=None
            if flare is None
            else FlareFound(
                flare_id=flare.flare_id,
                baseline=flare.baseline,
                spread_further=flare.spread_further,
            ),
        )
    if isinstance(e, StoredSession):
        return SessionEntry(
            kind="session",
            at=e.completed_at,
            session_id=e.session_id,
            started_at=e.started_at,
            completed_at=e.completed_at,
            exercises=[ExerciseDone.model_validate(x) for x in e.exercises],
            received_at=e.received_at,
        )
    return RemovalEntry(
        kind="removal",
        at=e.decided_at,
        exercise_id=e.exercise_id,
        decided_at=e.decided_at,
        rule=e.rule,  # type: ignore[arg-type]
        severity=e.severity,  # type: ignore[arg-type]
    )


def timeline_page(timeline: Timeline, tenant_id: str) -> TimelinePage:
    """The page, its `next_cursor` the order key of its last entry when more follow."""
    window = timeline.window
    page = page_of(
        timeline.entries, timeline.limit, timeline_scope(timeline.user_id), tenant_id, order_key
    )
    query = urlencode({"from": window.start.isoformat(), "to": window.end.isoformat()})
    base = f"/v1/users/{timeline.user_id}/pain/chart"
    return TimelinePage(
        items=[_entry(e, timeline.flares) for e in page.items],
        next_cursor=page.next_cursor,
        user_id=timeline.user_id,
        start=window.start,
        end=window.end,
        chart=ChartLinks(svg=f"{base}.svg?{query}", png=f"{base}.png?{query}"),
    )
