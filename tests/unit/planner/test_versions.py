"""When a plan gets a new version: the pure decisions the planner's use cases apply."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.planner.domain.generator import generate_plan
from services.planner.domain.plan import Plan
from services.planner.domain.removals import RemovalDecision
from services.planner.domain.versions import (
    NextVersion,
    PlanState,
    RemovalReason,
    Unchanged,
    after_quiz,
    after_removal,
)
from tests.factories.planner import ACUTE, SUBACUTE, T0, answers, decision, library, removal
from tests.support.planner_events import quiz_completed

LIB = library()
QUIZ = answers(SUBACUTE)


def _planned(
    removals: dict[str, RemovalDecision] | None = None,
    *,
    paused: bool = False,
    quiz_at: datetime | None = None,
) -> PlanState:
    """A user with a plan of `QUIZ` and these removals."""
    removals = removals or {}
    plan = generate_plan(QUIZ, removals.values(), LIB)
    return PlanState(
        removals=removals, current=plan, quiz_at=quiz_at, paused=paused, answers=lambda: QUIZ
    )


def _next(decided: NextVersion | Unchanged) -> NextVersion:
    assert isinstance(decided, NextVersion), decided
    return decided


def test_a_removal_of_a_planned_exercise_makes_the_next_version_with_its_evidence() -> None:
    event = removal("glute-bridge", severity="confirmed")
    decided = after_removal(_planned(), event, LIB)
    assert decided.kept == decision("glute-bridge", severity="confirmed")
    version = _next(decided.next)
    assert "glute-bridge" not in version.plan.exercise_ids
    assert "glute-bridge" in version.changes.dropped and version.changes.exercises_changed
    reason = version.reason
    assert isinstance(reason, RemovalReason)
    assert reason.evidence == event.evidence and reason.event_id == event.event_id
    # Confirmed: the harder variants go too, and the reason names each one newly removed.
    assert {"glute-bridge", "single-leg-glute-bridge"} <= set(reason.removed)
    assert reason.message.startswith("Glute bridge removed: it kept coming before flares")


def test_a_rule_one_removal_says_so() -> None:
    decided = after_removal(_planned(), removal("glute-bridge", rule="immediate"), LIB)
    reason = _next(decided.next).reason
    assert isinstance(reason, RemovalReason) and reason.message.endswith("(rule one)")


def test_an_unknown_exercise_is_neither_kept_nor_planned() -> None:
    decided = after_removal(_planned(), removal("no-such-exercise"), LIB)
    assert decided.kept is None and decided.next == Unchanged("unknown_exercise")


def test_a_removal_already_kept_changes_nothing() -> None:
    kept = {"clamshell": decision("clamshell", severity="confirmed")}
    decided = after_removal(_planned(kept), removal("clamshell", severity="suspected"), LIB)
    assert decided.kept is None and decided.next == Unchanged("duplicate")


def test_a_confirmation_of_a_suspected_removal_is_kept_as_an_upgrade() -> None:
    kept = {"glute-bridge": decision("glute-bridge", severity="suspected")}
    decided = after_removal(_planned(kept), removal("glute-bridge", severity="confirmed"), LIB)
    assert decided.kept == decision("glute-bridge", severity="confirmed")
    # Its harder variants were not in this plan: the upgrade is kept for later plans only.
    assert decided.next == Unchanged("not_in_plan")


def test_a_removal_for_a_user_without_a_plan_is_kept_for_the_first_one() -> None:
    decided = after_removal(PlanState(removals={}), removal("glute-bridge"), LIB)
    assert decided.kept is not None and decided.next == Unchanged("no_plan")


def test_a_removal_while_the_plan_is_paused_is_kept_but_makes_no_version() -> None:
    decided = after_removal(_planned(paused=True), removal("glute-bridge"), LIB)
    assert decided.kept is not None and decided.next == Unchanged("plan_paused")


def test_a_removal_of_an_exercise_not_in_the_plan_is_kept_but_makes_no_version() -> None:
    state = _planned()
    assert state.current is not None and "back-squat" not in state.current.exercise_ids
    decided = after_removal(state, removal("back-squat"), LIB)
    assert decided.kept is not None and decided.next == Unchanged("not_in_plan")


def test_a_quiz_makes_the_next_version_with_what_changed() -> None:
    state = _planned(quiz_at=T0)
    event = quiz_completed("tn_test", "u1", answers(ACUTE), occurred_at=T0 + timedelta(days=1))
    version = _next(after_quiz(state, event, LIB))
    assert version.plan.phase == "acute" and version.changes.phase_to == "acute"
    assert version.reason.kind == "quiz" and version.reason.response_id == event.response_id


def test_a_first_quiz_adds_every_exercise() -> None:
    event = quiz_completed("tn_test", "u1", QUIZ, occurred_at=T0)
    version = _next(after_quiz(PlanState(removals={}), event, LIB))
    assert version.changes.added == version.plan.exercise_ids


def test_a_quiz_older_than_the_applied_one_changes_nothing() -> None:
    event = quiz_completed("tn_test", "u1", QUIZ, occurred_at=T0 - timedelta(seconds=1))
    assert after_quiz(_planned(quiz_at=T0), event, LIB) == Unchanged("older_quiz")


def test_the_decisions_are_pure_the_same_state_gives_the_same_version() -> None:
    state, event = _planned(), removal("clamshell")
    first, second = after_removal(state, event, LIB), after_removal(state, event, LIB)
    assert first == second
    assert isinstance(_next(first.next).plan, Plan)
