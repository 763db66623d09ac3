"""Feeding the pure accumulate-and-decide loop, as the service does per event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.history import Decision, History
from services.flare_detector.domain.rules import Rules
from tests.factories.flare_sim import START, SimEvent, pain_event, session_event

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
