"""Events the services consume, built with the project's own simulator
(tests/factories/flare_sim.py): weeks of sessions and pain logs per user, in event time."""

from __future__ import annotations

import heapq
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from shared.events.painlog import PainLogged, SessionDone
from shared.events.quiz import QuizCompleted
from tests.factories.flare_sim import SimConfig, event_time, quiz_event, simulate_user

TENANT = "tn_bench"
DetectorEvent = SessionDone | PainLogged


def detector_mix(users: int, *, days: int = 3, seed: int = 0) -> Iterator[DetectorEvent]:
    """`users` simulated users' sessions, after-exercise and morning logs over `days` days
    that end an hour ago, merged across users in event-time order (as a day of traffic
    arrives). The users carry no quiz: their baseline comes from their mornings."""
    start = datetime.now(UTC) - timedelta(days=days + 1, hours=1)
    cfg = SimConfig(days=days, start=start, send_quiz=False)
    streams = (
        (e for e in simulate_user(seed + i, config=cfg, tenant_id=TENANT, user_id=f"d{i}").events)
        for i in range(users)
    )
    for event in heapq.merge(*streams, key=event_time):
        assert not isinstance(event, QuizCompleted)
        yield event


def quizzes(users: int, run: str) -> list[QuizCompleted]:
    """One clean quiz for each of `users` new users: each makes a first plan."""
    now = datetime.now(UTC) - timedelta(minutes=1)
    return [
        quiz_event(TENANT, f"q-{run}-{i}", now).model_copy(update={"event_id": uuid.uuid4()})
        for i in range(users)
    ]


def take(events: Iterator[DetectorEvent], n: int) -> list[DetectorEvent]:
    out = []
    for event in events:
        out.append(event)
        if len(out) == n:
            break
    return out
