"""Pain log request bodies for tests, as JSON-able dicts.

session_body(at)                        # a valid finished session that ended at `at`
pain_body(at, level=5, context="other") # a valid pain log observed at `at`
sample_chart_data()                     # four weeks of a plausible user, for the chart
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.painlog.domain.timeline import (
    ChartData,
    FlareMark,
    PainPoint,
    RemovalMark,
    SessionMark,
    Window,
)


def iso(at: datetime) -> str:
    return at.isoformat()


def session_body(at: datetime, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "session_id": f"s-{uuid.uuid4().hex[:10]}",
        "started_at": iso(at - timedelta(minutes=30)),
        "completed_at": iso(at),
        "exercises": [
            {"exercise_id": "glute-bridge", "sets": 3, "reps": 10, "pain_during": 1},
            {
                "exercise_id": "side-plank",
                "sets": 2,
                "hold_s": 20,
                "pain_during": 3,
                "pain_qualities": ["ache"],
                "pain_locations": ["lower_back"],
            },
        ],
    }
    body.update(overrides)
    return body


def pain_body(at: datetime, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "log_id": f"l-{uuid.uuid4().hex[:10]}",
        "observed_at": iso(at),
        "level": 3,
        "context": "other",
        "qualities": ["ache"],
        "locations": ["buttock", "thigh"],
    }
    body.update(overrides)
    return body


def sample_chart_data(end: datetime | None = None) -> ChartData:
    """Four weeks: sessions every other day, after-exercise and morning logs, two flares
    (one followed by a removal)."""
    end = end or datetime(2026, 11, 28, 12, tzinfo=UTC)
    start = end - timedelta(days=28)
    points: list[PainPoint] = []
    sessions: list[SessionMark] = []
    flares: list[FlareMark] = []
    for day in range(28):
        morning = start + timedelta(days=day, hours=-4)
        level = 2 + (day % 3 == 0)
        flare = day in (9, 19)
        if flare:
            level = 6 if day == 9 else 7
            flares.append(FlareMark(morning, level, 2.0))
        points.append(PainPoint(morning, level, "next_morning", flare))
        if day % 2 == 0:
            done = start + timedelta(days=day, hours=6)
            sessions.append(SessionMark(done - timedelta(minutes=40), done))
            points.append(
                PainPoint(done + timedelta(minutes=5), 1 + day % 3, "after_exercise", False)
            )
        if day == 14:
            points.append(PainPoint(start + timedelta(days=day, hours=2), 4, "other", False))
    return ChartData(
        user_id="patient-17",
        window=Window(start, end),
        points=tuple(points),
        sessions=tuple(sessions),
        flares=tuple(flares),
        removals=(RemovalMark(start + timedelta(days=19, hours=1), "single-leg-bridge"),),
    )
