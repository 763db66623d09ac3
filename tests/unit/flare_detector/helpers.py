"""Feeding the pure accumulate-and-decide loop, as the service does per event; and the
service's two tiers of a history (domain/tiers.py) as JSON values, as the store keeps them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.flare_detector.domain.cold_days import PartKey
from services.flare_detector.domain.detector import ingest, record_of
from services.flare_detector.domain.history import Decision, History
from services.flare_detector.domain.history_json import dump_history, load_history
from services.flare_detector.domain.parts_json import load_units
from services.flare_detector.domain.rules import Rules
from services.flare_detector.domain.tiers import NeedsWholeHistory, assemble, parts_needed
from services.flare_detector.domain.tiers_apply import apply_to_summary, apply_to_whole
from tests.factories.flare_sim import START, SimEvent, pain_event, quiz_event, session_event

T, U = "tn_unit", "u1"


def feed(events: Iterable[SimEvent], rules: Rules | None = None) -> tuple[History, dict]:
    """Every removal emitted (first version of each key) and the final history."""
    rules = rules or Rules()
    history = History()
    emitted: dict[tuple[str, str, str], Decision] = {}
    for event in events:
        for decision in ingest(history, event, rules).removals:
            emitted.setdefault(decision.key, decision)
    return history, emitted


def event_time(e: SimEvent) -> datetime:
    """A simulated event's event time (a session's end, a log's observation, a quiz's)."""
    at: datetime = (
        getattr(e, "completed_at", None) or getattr(e, "observed_at", None) or e.occurred_at
    )
    return at


def day(n: float, hour: float = 0) -> datetime:
    return START + timedelta(days=n, hours=hour)


def session(n: int, exercises: list[str], hour: float = 18, **kw: object) -> SimEvent:
    return session_event(T, U, f"s{n}", day(n, hour), exercises, **kw)  # type: ignore[arg-type]


def morning(n: int, level: int, **kw: object) -> SimEvent:
    return pain_event(T, U, f"m{n}", day(n, 7.5), level, "next_morning", **kw)


def evening_after_todays_session() -> list[SimEvent]:
    """Yesterday 18:00 bird-dog, today 12:00 hip-hinge, tonight 21:00 a flare (`e2`): it lies
    in yesterday's 12-36 h window too, but the session in between owns it."""
    return [
        quiz_event(T, U, day(0), back_pain=1, leg_pain=1),
        morning(1, 1),
        session(1, ["bird-dog"]),
        morning(2, 1),
        session(2, ["hip-hinge"], hour=12),
        pain_event(T, U, "e2", day(2, 21), 7, "other"),
        morning(3, 1),
        morning(4, 1),
    ]


@dataclass
class TieredStore:
    """The service's two tables for one user, as JSON values."""

    rules: Rules = field(default_factory=Rules)
    whole_below: int = 0  # split from the first day on (the service waits for 50 records)
    summary: Any = None
    parts: dict[PartKey, Any] = field(default_factory=dict)
    units: dict[PartKey, Any] = field(default_factory=dict)
    windowed: int = 0
    whole: int = 0
    loaded: int = 0
    dropped: int = 0
    written: int = 0

    def apply(self, events: list[SimEvent]) -> Any:
        summary = load_history(self.summary)
        needed = parts_needed(summary, [record_of(e) for e in events], self.rules, None)
        try:
            if needed is None:
                raise NeedsWholeHistory("planned")
            loaded = {k: load_units(self.units[k]) for k in needed}
            self.loaded += len(loaded)
            applied = apply_to_summary(summary, loaded, events, self.rules, None, self.whole_below)
            self.windowed += 1
        except NeedsWholeHistory:
            parts = {k: load_history(v) for k, v in self.parts.items()}
            applied = apply_to_whole(
                load_history(self.summary), parts, events, self.rules, None, self.whole_below
            )
            self.whole += 1
        for key in applied.dropped:
            del self.parts[key], self.units[key]
        self.dropped += 0 if applied.whole else len(applied.dropped)
        self.written += len(applied.written)
        for key, (part, units) in applied.written.items():
            self.parts[key] = _through_json(part)
            self.units[key] = _through_json(units)
        self.summary = _through_json(dump_history(applied.history))
        return applied.steps

    def assembled(self) -> History:
        parts = {k: load_history(v) for k, v in self.parts.items()}
        return assemble(load_history(self.summary), parts)


def _through_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def state(h: History) -> tuple[Any, ...]:
    """Everything a history keeps that a later decision can read."""
    return (
        h.sessions,
        h.observations,
        h.quizzes,
        h.latest,
        h.last_checkpoint,
        h.judged_until,
        h.settled,
        h.units,
        [(d.key, d.at, d.rank, d.evidence) for d in h.replay],
    )
