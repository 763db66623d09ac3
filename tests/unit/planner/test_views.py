"""The plan as a client reads it: enough to show each exercise without a second call, and
what a version says changed and why."""

from __future__ import annotations

from services.planner import views
from services.planner.domain.diff import diff_plans
from services.planner.domain.generator import generate_plan
from services.planner.domain.versions import QuizReason, RemovalReason
from tests.factories.planner import (
    SUBACUTE,
    T0,
    answers,
    decision,
    library,
    removal,
    removal_record,
    user_record,
    version_record,
)


def test_a_planned_exercise_says_what_how_how_much_and_when() -> None:
    lib = library()
    plan = generate_plan(answers(SUBACUTE), [decision("clamshell")], lib)
    clamshell = removal("clamshell", severity="suspected")
    body = views.plan_view(
        user_record(),
        version_record(plan, version=2, trigger="removal"),
        [removal_record(clamshell)],
        lib,
    ).model_dump(mode="json")
    assert body["days"] == ["mon", "wed", "fri"]
    assert body["status"] == "active" and body["paused"] is None
    for planned in body["exercises"]:
        ex = lib.by_id[planned["id"]]
        assert planned["name"] == ex.name
        assert planned["instructions"] == ex.instructions
        assert planned["equipment"] == list(ex.equipment)
        assert planned["days"] == body["days"]
        assert planned["dose"]["sets"] >= 1 and "rest_s" in planned["dose"]
        assert planned["why"]
    (removed,) = body["removed"]
    assert removed["id"] == "clamshell" and removed["evidence"]["exposures"] == 4
    assert removed["reason"].startswith("removed for you")


def test_a_paused_plan_says_since_when_and_at_which_level() -> None:
    lib = library()
    plan = generate_plan(answers(SUBACUTE), [], lib)
    user = user_record(paused_level="same_day", paused_at=T0)
    view = views.plan_view(user, version_record(plan), [], lib)
    assert view.status == "paused"
    assert view.paused is not None and view.paused.level == "same_day" and view.paused.since == T0


def test_a_version_lists_its_exercises_its_changes_and_its_reasons() -> None:
    lib = library()
    before = generate_plan(answers(SUBACUTE), [], lib)
    after = generate_plan(answers(SUBACUTE), [decision("glute-bridge", severity="confirmed")], lib)
    event = removal("glute-bridge")
    reason = RemovalReason(
        exercise_id="glute-bridge",
        rule=event.rule,
        severity=event.severity,
        removed=("glute-bridge",),
        evidence=event.evidence,
        decided_at=event.decided_at,
        event_id=event.event_id,
        message="removed",
    )
    quiz = QuizReason(response_id=event.event_id, message="new", phase_reasons=())
    row = version_record(
        after,
        version=2,
        trigger="removal",
        changes=diff_plans(before, after, lib).model_dump(mode="json"),
        reasons=[reason.model_dump(mode="json"), quiz.model_dump(mode="json")],
    )
    view = views.version_view(row)
    assert view.exercise_ids == list(after.exercise_ids)
    assert view.removed_ids == [r.exercise_id for r in after.removed]
    assert "glute-bridge" in view.changes.dropped
    assert view.why == [reason, quiz]
