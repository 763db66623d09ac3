"""Removals as pure decisions: what goes, what replaces it, what the diff says."""

from __future__ import annotations

from services.planner.domain.diff import Replacement, diff_plans
from services.planner.domain.generator import generate_plan
from services.planner.domain.phase import decide_phase
from services.planner.domain.removals import merge_removal, removed_exercises
from services.planner.domain.rules import Person, exclusion_for
from tests.factories.planner import ACUTE, RECOVERY, SUBACUTE, answers, decision, library

HARDER_BRIDGES = {
    "banded-glute-bridge",
    "marching-glute-bridge",
    "single-leg-glute-bridge",
    "dumbbell-hip-thrust",
    "barbell-hip-thrust",
}


def test_suspected_delayed_removal_takes_only_that_variant() -> None:
    removed = removed_exercises([decision("glute-bridge")], library())
    assert set(removed) == {"glute-bridge"}


def test_confirmed_removal_takes_harder_variants_too() -> None:
    removed = removed_exercises([decision("glute-bridge", severity="confirmed")], library())
    assert set(removed) == {"glute-bridge", *HARDER_BRIDGES}
    assert removed["single-leg-glute-bridge"].because_of == "glute-bridge"
    assert removed["glute-bridge"].direct


def test_immediate_rule_takes_harder_variants_even_when_only_suspected() -> None:
    removed = removed_exercises([decision("glute-bridge", rule="immediate")], library())
    assert set(removed) == {"glute-bridge", *HARDER_BRIDGES}


def test_repeating_a_removal_adds_nothing_and_confirming_a_suspicion_upgrades_it() -> None:
    suspected = decision("clamshell")
    confirmed = decision("clamshell", severity="confirmed")
    assert merge_removal({}, suspected) == suspected
    assert merge_removal({"clamshell": suspected}, suspected) is None
    assert merge_removal({"clamshell": confirmed}, suspected) is None
    assert merge_removal({"clamshell": confirmed}, confirmed) is None
    upgraded = merge_removal({"clamshell": suspected}, confirmed)
    assert upgraded is not None and upgraded.cascades


def test_removed_bridge_is_replaced_by_its_regression_and_the_diff_says_so() -> None:
    lib = library()
    profile = answers(SUBACUTE)
    before = generate_plan(profile, [], lib)
    assert "glute-bridge" in before.exercise_ids
    after = generate_plan(profile, [decision("glute-bridge", severity="confirmed")], lib)
    assert "glute-bridge" not in after.exercise_ids
    assert "glute-bridge-hold" in after.exercise_ids
    changes = diff_plans(before, after, lib)
    assert (
        Replacement(exercise_id="glute-bridge", replaced_by="glute-bridge-hold", how="regression")
        in changes.replaced
    )
    assert changes.dropped == ("glute-bridge",)


def test_without_a_regression_a_same_purpose_exercise_passing_every_rule_replaces_it() -> None:
    lib = library()
    profile = answers(ACUTE)
    before = generate_plan(profile, [], lib)
    assert "clamshell" in before.exercise_ids
    after = generate_plan(profile, [decision("clamshell", rule="immediate")], lib)
    changes = diff_plans(before, after, lib)
    (replacement,) = changes.replaced
    assert replacement.exercise_id == "clamshell"
    assert replacement.how == "alternative"
    substitute = lib.by_id[replacement.replaced_by]
    assert substitute.foundation == "abduction"
    person = Person.of(profile, decide_phase(profile), removed_exercises([], lib))
    assert exclusion_for(substitute, person, lib) is None


def test_removals_persist_through_a_new_quiz() -> None:
    lib = library()
    removals = [decision("glute-bridge", severity="confirmed"), decision("clamshell")]
    for profile in (answers(ACUTE), answers(SUBACUTE), answers(RECOVERY, equipment=[])):
        plan = generate_plan(profile, removals, lib)
        assert not {"glute-bridge", "clamshell", *HARDER_BRIDGES} & set(plan.exercise_ids)
        reasons = {x.exercise_id: x.reason for x in plan.excluded}
        assert reasons["clamshell"].startswith("removed for you: it kept coming before flares")
        assert "harder variant of Glute bridge" in reasons["single-leg-glute-bridge"]


def test_removing_an_exercise_not_in_the_plan_changes_no_exercise() -> None:
    lib = library()
    profile = answers(SUBACUTE)
    before = generate_plan(profile, [], lib)
    after = generate_plan(profile, [decision("back-squat", severity="confirmed")], lib)
    assert not diff_plans(before, after, lib).exercises_changed
