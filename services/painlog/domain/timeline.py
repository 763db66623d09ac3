"""The timeline: pain logs and sessions of one user in event time, within a window.

Event time decides the order (DESIGN.md: decisions and views use when it happened, not when
it arrived), so a morning log sent two days late sits where it was felt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol, TypeVar

EntryKind = Literal["session", "pain", "removal"]
# At one instant a session is shown before the pain it may have caused, and that pain before
# the removal it may have caused.
_KIND_ORDER: dict[str, int] = {"session": 0, "pain": 1, "removal": 2}
KIND_RANK: dict[str, int] = _KIND_ORDER
# An entry's place in the timeline: unique within one user's timeline (ids are unique per
# kind), so a page can start strictly after the last entry of the one before.
OrderKey = tuple[datetime, int, str]


class WindowError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def resolve_window(
    start: datetime | None,
    end: datetime | None,
    now: datetime,
    default_days: int,
    max_days: int = 400,
) -> Window:
    """`to` defaults to now and `from` to `default_days` before `to`; `from` after `to`, or
    more than `max_days` before it, is refused, naming `from`."""
    for name, value in (("from", start), ("to", end)):
        if value is not None and not _in_utc_range(value, max(default_days, max_days)):
            raise WindowError(name, "is too close to the edge of the calendar")
    end = end if end is not None else max(now, start) if start is not None else now
    start = start if start is not None else end - timedelta(days=default_days)
    if start > end:
        raise WindowError("from", "must not be later than `to`")
    if end - start > timedelta(days=max_days):
        raise WindowError("from", f"must be at most {max_days} days before `to`")
    return Window(start, end)


def _in_utc_range(at: datetime, margin_days: int) -> bool:
    """Whether `at` can be expressed in UTC with `margin_days` to spare on either side."""
    try:
        utc = at.astimezone(UTC)
        utc - timedelta(days=margin_days)
        utc + timedelta(days=margin_days)
    except OverflowError:
        return False
    return True


class Timed(Protocol):
    """Anything on the timeline: its kind, its event time and its own id."""

    @property
    def kind(self) -> EntryKind: ...
    @property
    def at(self) -> datetime: ...
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Timed)


@dataclass(frozen=True, slots=True)
class Entry:
    kind: EntryKind
    at: datetime
    id: str


def order_key(entry: Timed) -> OrderKey:
    """Event time; at one instant sessions, then pain, then removals; then by id."""
    return (entry.at, _KIND_ORDER[entry.kind], entry.id)


def in_event_time(entries: Iterable[T], limit: int) -> tuple[list[T], bool]:
    """The first `limit` entries in event time (`order_key`), and whether any were left
    out."""
    ordered = sorted(entries, key=order_key)
    return ordered[:limit], len(ordered) > limit


@dataclass(frozen=True)
class PainPoint:
    at: datetime
    level: int
    context: str
    flare: bool


@dataclass(frozen=True)
class SessionMark:
    started_at: datetime
    completed_at: datetime


@dataclass(frozen=True)
class FlareMark:
    at: datetime
    level: int
    baseline: float


@dataclass(frozen=True)
class RemovalMark:
    at: datetime
    exercise_id: str


@dataclass(frozen=True)
class ChartData:
    """What the chart shows; presentation (colours, markers) is the chart module's."""

    user_id: str
    window: Window
    points: tuple[PainPoint, ...]
    sessions: tuple[SessionMark, ...]
    flares: tuple[FlareMark, ...]
    removals: tuple[RemovalMark, ...] = ()
    truncated: bool = False
