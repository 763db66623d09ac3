"""The records of a user's history: sessions (exposures), pain observations and the quiz,
as the detector keeps them (built from their events), each with its own id and event time.

The same session or log re-sent (a new `event_id`, a client retry) is the same record. If two
versions of one id ever differ, the one with the smallest canonical form is kept
(`canonical`), so the kept record depends on the set of versions received, never on their
order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from services.flare_detector.domain.rules import LOCATIONS
from shared.events.painlog import PainLogged, SessionDone
from shared.events.quiz import QuizCompleted


@dataclass(frozen=True)
class ExerciseReport:
    """What one exercise of a session felt like, kept only when it says something."""

    exercise_id: str
    qualities: tuple[str, ...]
    locations: tuple[str, ...]


@dataclass(frozen=True)
class Session:
    session_id: str
    started_at: datetime
    completed_at: datetime
    exercises: tuple[str, ...]  # sorted, unique
    reports: tuple[ExerciseReport, ...] = ()
    # Its event time (`completed_at`), a field rather than a property: read hundreds of
    # times an event on a heavy history (each a function call as a property).
    at: datetime = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", self.completed_at)


@dataclass(frozen=True)
class Observation:
    log_id: str
    observed_at: datetime
    level: int
    context: str
    exercise_id: str | None = None
    session_id: str | None = None
    qualities: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    hours_sat: float | None = None
    heavy_lifting: bool | None = None
    stress: int | None = None
    at: datetime = field(init=False, compare=False, repr=False)  # `observed_at` (as Session's)

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", self.observed_at)


@dataclass(frozen=True)
class QuizSeed:
    """The quiz's pain: the baseline before any morning, and how far down pain usually goes."""

    response_id: str
    occurred_at: datetime
    pain: int
    extent: str

    @property
    def at(self) -> datetime:
        return self.occurred_at


def session_from(event: SessionDone) -> Session:
    return Session(
        session_id=event.session_id,
        started_at=event.started_at,
        completed_at=event.completed_at,
        exercises=tuple(sorted({e.exercise_id for e in event.exercises})),
        reports=tuple(
            sorted(
                (
                    ExerciseReport(
                        e.exercise_id,
                        tuple(sorted(set(e.pain_qualities))),
                        tuple(sorted(set(e.pain_locations), key=LOCATIONS.index)),
                    )
                    for e in event.exercises
                    if e.pain_qualities or e.pain_locations
                ),
                key=lambda r: (r.exercise_id, r.qualities, r.locations),
            )
        ),
    )


def observation_from(event: PainLogged) -> Observation:
    morning = event.morning
    return Observation(
        log_id=event.log_id,
        observed_at=event.observed_at,
        level=event.level,
        context=event.context,
        exercise_id=event.exercise_id,
        session_id=event.session_id,
        qualities=tuple(sorted(set(event.qualities))),
        locations=tuple(sorted(set(event.locations), key=LOCATIONS.index)),
        hours_sat=morning.hours_sat if morning else None,
        heavy_lifting=morning.heavy_lifting if morning else None,
        stress=morning.stress if morning else None,
    )


def quiz_from(event: QuizCompleted) -> QuizSeed:
    symptoms = event.answers.symptoms
    # How far down the pain usually reaches, from what the quiz asks.
    if symptoms.pain_below_knee:
        extent = "calf"
    elif symptoms.leg_pain > 0:
        extent = "knee"
    else:
        extent = "buttock"
    return QuizSeed(
        response_id=str(event.response_id),
        occurred_at=event.occurred_at,
        pain=max(symptoms.back_pain, symptoms.leg_pain),
        extent=extent,
    )


Record = Session | Observation | QuizSeed
T = TypeVar("T", Session, Observation, QuizSeed)


def day_start(at: datetime) -> datetime:
    """The start of `at`'s UTC day."""
    return at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def canonical(record: Record) -> str:
    return json.dumps(as_values(record), sort_keys=True)


def in_time_order(records: list[T]) -> list[T]:
    """A total order on event time: ties broken by id, so equal times sort the same way."""
    return sorted(records, key=lambda r: (r.at, record_id(r)))  # type: ignore[no-any-return]


def record_id(record: Record) -> str:
    """Its own id: a session's, a log's or a quiz response's."""
    if isinstance(record, Session):
        return record.session_id
    if isinstance(record, Observation):
        return record.log_id
    return record.response_id


def as_values(record: Record) -> dict[str, Any]:
    """The record as JSON values (by hand: `asdict` deep-copies, and this runs per record on
    a save)."""
    if isinstance(record, Observation):
        return {
            "log_id": record.log_id,
            "observed_at": record.observed_at.isoformat(),
            "level": record.level,
            "context": record.context,
            "exercise_id": record.exercise_id,
            "session_id": record.session_id,
            "qualities": list(record.qualities),
            "locations": list(record.locations),
            "hours_sat": record.hours_sat,
            "heavy_lifting": record.heavy_lifting,
            "stress": record.stress,
        }
    if isinstance(record, Session):
        return {
            "session_id": record.session_id,
            "started_at": record.started_at.isoformat(),
            "completed_at": record.completed_at.isoformat(),
            "exercises": list(record.exercises),
            "reports": [
                {
                    "exercise_id": r.exercise_id,
                    "qualities": list(r.qualities),
                    "locations": list(r.locations),
                }
                for r in record.reports
            ],
        }
    return {
        "response_id": record.response_id,
        "occurred_at": record.occurred_at.isoformat(),
        "pain": record.pain,
        "extent": record.extent,
    }
