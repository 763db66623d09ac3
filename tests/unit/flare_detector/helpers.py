"""Feeding the pure accumulate-and-decide loop, as the service does per event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.history import Decision, History
from services.flare_detector.domain.rules import Rules
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
