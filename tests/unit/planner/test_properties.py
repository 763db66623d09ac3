"""Properties of the generator over any valid quiz and any set of removals (DOMAIN.md 2-3)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from services.planner.domain.generator import generate_plan
from services.planner.domain.phase import decide_phase
from services.planner.domain.removals import RemovalDecision, removed_exercises
from services.planner.domain.rules import LOAD_POLICY
from shared.events.quiz_answers import QuizAnswers
from tests.factories.planner import library, quiz_answers, removal_decisions

LIB = library()


@settings(max_examples=150, deadline=None)
@given(answers=quiz_answers(), removals=removal_decisions(LIB))
def test_no_plan_breaks_a_safety_rule(
    answers: QuizAnswers, removals: list[RemovalDecision]
) -> None:
    plan = generate_plan(answers, removals, LIB)
    phase = decide_phase(answers)
    removed = removed_exercises(removals, LIB)
    for planned in plan.exercises:
        ex = LIB.by_id[planned.exercise_id]
        assert ex.safety.reviewed
        assert plan.phase in ex.phases
        for tag in ex.loads:
            policy = LOAD_POLICY[tag][plan.phase]
            assert policy != "out", f"{ex.id}: {tag} in {plan.phase}"
            if policy == "careful":
                assert phase.calm, f"{ex.id}: {tag} needs calm legs"
            if policy == "aggravators":
                assert "sitting" not in answers.symptoms.aggravating_movements
        assert set(ex.equipment) <= set(answers.equipment), f"{ex.id} needs {ex.equipment}"
        assert ex.id not in removed
        assert not set(ex.directions_loaded) & set(answers.symptoms.directions_that_spread)
        assert not set(ex.reproduces) & set(answers.symptoms.aggravating_movements)
        if answers.glute_test.feels_glutes_in_bridge != "yes":
            # Glute gate shut: no added load at all, and glute work is activation only.
            assert not ex.external_load, ex.id
            assert not ex.hip_strength, ex.id  # squats, lunges, step-ups, jumps
            assert ex.category != "glute_hip" or ex.activation, ex.id
    # Removed exercises, harder variants of cascading removals included, are never planned.
    for d in removals:
        assert d.exercise_id not in plan.exercise_ids
        if d.cascades:
            assert not set(LIB.harder_variants(d.exercise_id)) & set(plan.exercise_ids)
    assert {r.exercise_id for r in plan.removed} == set(removed)


@settings(max_examples=100, deadline=None)
@given(answers=quiz_answers(), removals=removal_decisions(LIB))
def test_foundations_are_present_whenever_any_is_allowed(
    answers: QuizAnswers, removals: list[RemovalDecision]
) -> None:
    plan = generate_plan(answers, removals, LIB)
    excluded = {x.exercise_id for x in plan.excluded}
    planned = [LIB.by_id[i] for i in plan.exercise_ids]
    for foundation in ("bridge", "abduction"):
        candidates = {e.id for e in LIB.exercises if e.foundation == foundation}
        if candidates - excluded:
            assert any(e.foundation == foundation for e in planned)
    # Every library exercise is either planned, excluded with one reason, or merely unchosen.
    assert len(excluded) == len(plan.excluded)
    assert not excluded & set(plan.exercise_ids)


@settings(max_examples=60, deadline=None)
@given(answers=quiz_answers(), removals=removal_decisions(LIB), seed=st.randoms())
def test_same_input_gives_the_same_plan_whatever_the_order(
    answers: QuizAnswers, removals: list[RemovalDecision], seed: random.Random
) -> None:
    shuffled = list(removals)
    seed.shuffle(shuffled)
    first = generate_plan(answers, removals, LIB)
    again = generate_plan(answers, shuffled, LIB)
    assert first.model_dump_json() == again.model_dump_json()


@settings(max_examples=60, deadline=None)
@given(answers=quiz_answers())
def test_without_removals_the_clean_quiz_plan_has_glute_work_and_fits_the_minutes(
    answers: QuizAnswers,
) -> None:
    plan = generate_plan(answers, [], LIB)
    assert any(e.category == "glute_hip" for e in plan.exercises)
    assert 2 <= len(plan.exercises) <= 10
