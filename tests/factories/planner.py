"""Planner test data: quiz answers as models, removal events, and hypothesis strategies.

answers()                                        # the clean quiz (subacute) as QuizAnswers
answers(ACUTE, equipment=[])                     # profiles merge like clean_answers overrides
removal("glute-bridge", severity="confirmed")    # an ExerciseRemoved event
user_record(paused_at=...), version_record(plan)  # the planner store's records
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, get_args

from hypothesis import strategies as st

from services.planner.catalogue import default_library
from services.planner.domain.library import Library
from services.planner.domain.plan import Plan
from services.planner.domain.removals import RemovalDecision
from services.planner.store import RemovalRecord, UserRecord, VersionRecord
from shared.events.flares import ExerciseRemoved, RemovalEvidence
from shared.events.quiz_answers import (
    Direction,
    Equipment,
    GluteFeeling,
    Goal,
    LegSide,
    Movement,
    QuizAnswers,
    SymptomDuration,
    SymptomTrend,
)
from tests.factories.quiz import clean_answers, deep_merge

ACUTE: dict[str, Any] = {
    "symptoms": {
        "duration": "under_2_weeks",
        "trend": "getting_worse",
        "leg_pain": 7,
        "back_pain": 5,
        "pain_below_knee": True,
        "pain_spreads_with_movement": True,
    }
}
SUBACUTE: dict[str, Any] = {
    "symptoms": {"duration": "2_to_6_weeks", "trend": "getting_better", "leg_pain": 4}
}
RECOVERY: dict[str, Any] = {
    "symptoms": {
        "duration": "over_12_weeks",
        "trend": "getting_better",
        "leg_pain": 1,
        "back_pain": 2,
        "pain_below_knee": False,
        "pain_spreads_with_movement": False,
    }
}
NO_AGGRAVATORS: dict[str, Any] = {
    "symptoms": {
        "aggravating_movements": [],
        "directions_that_spread": [],
        "directions_that_ease": [],
    }
}
GYM: list[str] = sorted(get_args(Equipment))
GLUTES_ON: dict[str, Any] = {"glute_test": {"feels_glutes_in_bridge": "yes"}}


def answers(*profiles: dict[str, Any], **overrides: Any) -> QuizAnswers:
    merged: dict[str, Any] = clean_answers()
    for profile in (*profiles, overrides):
        merged = deep_merge(merged, profile)
    return QuizAnswers.model_validate(merged)


def library() -> Library:
    return default_library()


def decision(
    exercise_id: str, rule: str = "delayed", severity: str = "suspected"
) -> RemovalDecision:
    return RemovalDecision.model_validate(
        {"exercise_id": exercise_id, "rule": rule, "severity": severity}
    )


def removal(
    exercise_id: str,
    *,
    tenant_id: str = "tn_test",
    user_id: str = "u1",
    rule: str = "delayed",
    severity: str = "confirmed",
) -> ExerciseRemoved:
    return ExerciseRemoved.model_validate(
        {
            "tenant_id": tenant_id,
            "user_id": user_id,
            "exercise_id": exercise_id,
            "rule": rule,
            "severity": severity,
            "evidence": RemovalEvidence(
                exposures=4,
                flares_after=3,
                flares_without=0,
                sessions_without=5,
                windows=("evening", "next_morning"),
                report_ids=("log-1", "log-2", "log-3"),
            ),
            "decided_at": datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        }
    )


T0 = datetime(2026, 11, 25, tzinfo=UTC)


def user_record(**values: Any) -> UserRecord:
    return UserRecord(
        **{
            "tenant_id": "tn_test",
            "user_id": "u1",
            "plan_id": uuid.uuid4(),
            "current_version": 1,
            "answers": answers().model_dump(mode="json"),
            "response_id": uuid.uuid4(),
            "quiz_occurred_at": T0,
            "paused_level": None,
            "paused_at": None,
            "updated_at": T0,
            **values,
        }
    )


def version_record(plan: Plan, **values: Any) -> VersionRecord:
    return VersionRecord(
        **{
            "plan_id": uuid.uuid4(),
            "version": 1,
            "tenant_id": "tn_test",
            "user_id": "u1",
            "trigger": "quiz",
            "inputs": {},
            "plan": plan.model_dump(mode="json"),
            "changes": {},
            "reasons": [],
            "created_at": T0,
            **values,
        }
    )


def removal_record(event: ExerciseRemoved) -> RemovalRecord:
    assert event.user_id is not None
    return RemovalRecord(
        tenant_id=event.tenant_id,
        user_id=event.user_id,
        exercise_id=event.exercise_id,
        rule=event.rule,
        severity=event.severity,
        evidence=event.evidence.model_dump(mode="json"),
        event_id=event.event_id,
        decided_at=event.decided_at,
        recorded_at=T0,
    )


def _subset(values: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    if not values:
        return st.just([])
    return st.lists(st.sampled_from(values), unique=True, max_size=len(values))


@st.composite
def quiz_answers(draw: st.DrawFn) -> QuizAnswers:
    """Any valid quiz (red flags all "no": screening is the quiz service's, not ours)."""
    directions: tuple[str, ...] = get_args(Direction)
    spread = draw(_subset(directions))
    ease = draw(_subset(tuple(d for d in directions if d not in spread)))
    # Any sign of irritability makes a quiz acute, so half the quizzes are drawn settled:
    # otherwise nearly every example is acute and the later phases go untested.
    settled = draw(st.booleans())
    durations: tuple[str, ...] = get_args(SymptomDuration)
    trends: tuple[str, ...] = get_args(SymptomTrend)
    data = clean_answers(
        about={"age": draw(st.integers(20, 55))},
        symptoms={
            "duration": draw(st.sampled_from(durations[1:] if settled else durations)),
            "trend": draw(st.sampled_from(trends[1:] if settled else trends)),
            "back_pain": draw(st.integers(0, 6 if settled else 10)),
            "leg_pain": draw(st.integers(0, 4 if settled else 10)),
            "pain_below_knee": draw(st.booleans()),
            "leg_side": draw(st.sampled_from([s for s in get_args(LegSide) if s != "both"])),
            "aggravating_movements": draw(_subset(get_args(Movement))),
            "directions_that_spread": spread,
            "directions_that_ease": ease,
            "pain_spreads_with_movement": draw(st.just(False) if settled else st.booleans()),
            "first_episode": draw(st.booleans()),
        },
        equipment=draw(_subset(get_args(Equipment))),
        goals=draw(st.lists(st.sampled_from(get_args(Goal)), min_size=1, unique=True)),
        schedule={
            "sessions_per_week": draw(st.integers(1, 7)),
            "minutes_per_session": draw(st.integers(10, 90)),
        },
        glute_test={"feels_glutes_in_bridge": draw(st.sampled_from(get_args(GluteFeeling)))},
    )
    return QuizAnswers.model_validate(data)


def removal_decisions(lib: Library) -> st.SearchStrategy[list[RemovalDecision]]:
    ids = tuple(e.id for e in lib.exercises)
    one = st.builds(
        RemovalDecision,
        exercise_id=st.sampled_from(ids),
        rule=st.sampled_from(("immediate", "delayed")),
        severity=st.sampled_from(("suspected", "confirmed")),
    )
    return st.lists(one, max_size=12, unique_by=lambda d: d.exercise_id)
