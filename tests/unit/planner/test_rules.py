"""The exclusion rules on the library's tags, the glute gate, removal replacements and session
length."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.planner.domain.dose import session_seconds
from services.planner.domain.generator import generate_plan
from services.planner.domain.phase import decide_phase
from services.planner.domain.removals import RemovalDecision, removed_exercises
from services.planner.domain.rules import Person, exclusion_for
from shared.events.quiz_answers import QuizAnswers
from tests.factories.planner import GYM, RECOVERY, answers, decision, library, quiz_answers

LIB = library()
CALM: dict[str, Any] = {
    "aggravating_movements": [],
    "directions_that_spread": [],
    "directions_that_ease": [],
}


def _excluded(quiz: QuizAnswers) -> dict[str, str]:
    return {x.exercise_id: x.rule for x in generate_plan(quiz, [], LIB).excluded}


def test_bending_forward_that_spreads_pain_excludes_every_hip_hinge_and_the_bike() -> None:
    quiz = answers(
        RECOVERY,
        equipment=GYM,
        symptoms={**CALM, "directions_that_spread": ["flexion"]},
        glute_test={"feels_glutes_in_bridge": "yes"},
    )
    excluded = _excluded(quiz)
    hinges = [e.id for e in LIB.exercises if e.family == "hip-hinge"]
    assert {"hip-hinge-dowel", "kettlebell-deadlift", "barbell-deadlift"} <= set(hinges)
    for exercise_id in [*hinges, "stationary-cycling"]:
        assert exercise_id in excluded, exercise_id


def test_bending_forward_as_an_aggravator_excludes_deadlifts() -> None:
    quiz = answers(
        RECOVERY,
        equipment=GYM,
        symptoms={**CALM, "aggravating_movements": ["bending_forward"]},
        glute_test={"feels_glutes_in_bridge": "yes"},
    )
    excluded = _excluded(quiz)
    assert excluded["kettlebell-deadlift"] == "aggravator:bending_forward"
    assert excluded["hip-hinge-dowel"] == "aggravator:bending_forward"


def test_a_shut_glute_gate_excludes_every_added_load_not_only_glute_categories() -> None:
    for feeling in ("no", "unsure"):
        quiz = answers(
            RECOVERY,
            equipment=GYM,
            symptoms=CALM,
            glute_test={"feels_glutes_in_bridge": feeling},
        )
        excluded = _excluded(quiz)
        loaded = [e.id for e in LIB.exercises if e.external_load]
        assert {"suitcase-carry", "band-pallof-press"} <= set(loaded)
        assert [i for i in loaded if i not in excluded] == []
        assert excluded["suitcase-carry"] == "glute_gate"


def test_every_seated_exercise_counts_as_sitting() -> None:
    seated = [e.id for e in LIB.exercises if e.position == "seated"]
    assert [i for i in seated if "sitting" not in LIB.by_id[i].reproduces] == []


def test_hip_thrusts_are_not_done_seated() -> None:
    assert LIB.by_id["barbell-hip-thrust"].position == "supine"
    assert LIB.by_id["dumbbell-hip-thrust"].position == "supine"


def test_acute_phase_offers_no_standing_spinal_movement() -> None:
    standing = [
        e.id
        for e in LIB.exercises
        if "acute" in e.phases and e.position == "standing" and e.directions_loaded
    ]
    assert standing == []


def test_foundations_are_the_articles_bridges_and_hip_abductions() -> None:
    for e in LIB.exercises:
        if e.foundation == "bridge":
            assert "bridge" in e.id and not e.id.endswith("thrust"), e.id
        if e.foundation == "abduction":
            assert "abduction" in e.id or "clamshell" in e.id, e.id


def test_recovery_with_a_gym_still_gets_a_glute_bridge_not_only_a_hip_thrust() -> None:
    quiz = answers(
        RECOVERY,
        equipment=GYM,
        symptoms=CALM,
        glute_test={"feels_glutes_in_bridge": "yes"},
        goals=["strength"],
        schedule={"minutes_per_session": 90},
    )
    plan = generate_plan(quiz, [], LIB)
    assert "single-leg-glute-bridge" in plan.exercise_ids
    assert plan.exercises[0].exercise_id == "single-leg-glute-bridge"


def test_a_removed_exercise_gives_its_slot_to_its_regression() -> None:
    quiz = answers(
        symptoms={
            "duration": "2_to_6_weeks",
            "trend": "about_the_same",
            "leg_pain": 4,
            "back_pain": 4,
            "pain_below_knee": True,
            "pain_spreads_with_movement": False,
            "aggravating_movements": ["lifting"],
            "directions_that_spread": ["rotation"],
            "directions_that_ease": [],
        },
        equipment=[],
        goals=["daily_activities"],
        glute_test={"feels_glutes_in_bridge": "yes"},
        schedule={"sessions_per_week": 2, "minutes_per_session": 25},
    )
    before = generate_plan(quiz, [], LIB)
    assert "bodyweight-squat" in before.exercise_ids
    after = generate_plan(quiz, [decision("bodyweight-squat")], LIB)
    assert set(after.exercise_ids) - set(before.exercise_ids) == {"sit-to-stand"}
    slot = before.exercise_ids.index("bodyweight-squat")
    assert after.exercise_ids[slot] == "sit-to-stand"


def test_a_suspected_curl_up_is_never_replaced_by_a_crunch_or_a_sit_up() -> None:
    quiz = answers(
        RECOVERY,
        equipment=[],
        symptoms={**CALM, "directions_that_ease": ["flexion"]},
        glute_test={"feels_glutes_in_bridge": "yes"},
        goals=["strength", "daily_activities"],
        schedule={"minutes_per_session": 90},
    )
    before = generate_plan(quiz, [], LIB)
    assert "mcgill-curl-up" in before.exercise_ids
    # Every other core exercise goes first, so the curl-up family is all that is left.
    others = [
        e.id
        for e in LIB.exercises
        if e.category == "core_stability" and e.family != "curl-up" and e.prescribable
    ]
    removals = [decision(i, severity="confirmed") for i in others]
    assert "mcgill-curl-up" in generate_plan(quiz, removals, LIB).exercise_ids
    after = generate_plan(quiz, [*removals, decision("mcgill-curl-up")], LIB)
    assert not {"crunch", "sit-up"} & set(after.exercise_ids)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quiz=quiz_answers(), data=st.data())
def test_a_suspected_removal_is_replaced_by_an_easier_variant_when_one_is_allowed(
    quiz: QuizAnswers, data: st.DataObject
) -> None:
    before = generate_plan(quiz, [], LIB)
    gone = data.draw(st.sampled_from(before.exercise_ids))
    removal = RemovalDecision(exercise_id=gone, rule="delayed", severity="suspected")
    after = generate_plan(quiz, [removal], LIB)
    added = set(after.exercise_ids) - set(before.exercise_ids)
    # Never a harder variant of what was just removed.
    assert not added & set(LIB.harder_variants(gone))
    # Its regression, when that passes every rule, takes its place.
    regression = LIB.by_id[gone].regression
    if regression is not None and regression not in before.exercise_ids:
        person = Person.of(quiz, decide_phase(quiz), removed_exercises([removal], LIB))
        if exclusion_for(LIB.by_id[regression], person, LIB) is None:
            assert regression in after.exercise_ids


def test_a_ten_minute_session_fits_ten_minutes_and_keeps_both_foundations() -> None:
    quiz = answers(
        RECOVERY,
        equipment=[],
        symptoms=CALM,
        glute_test={"feels_glutes_in_bridge": "yes"},
        goals=["mobility"],
        schedule={"sessions_per_week": 1, "minutes_per_session": 10},
    )
    plan = generate_plan(quiz, [], LIB)
    assert session_seconds([e.dose for e in plan.exercises]) <= 10 * 60
    assert len(plan.exercises) == 3
    assert {LIB.by_id[i].foundation for i in plan.exercise_ids[:2]} == {"bridge", "abduction"}
    assert all(e.dose.sets >= 1 for e in plan.exercises)


@settings(max_examples=120, deadline=None)
@given(quiz=quiz_answers())
def test_every_session_fits_the_minutes_and_long_ones_are_used(quiz: QuizAnswers) -> None:
    plan = generate_plan(quiz, [], LIB)
    minutes = quiz.schedule.minutes_per_session
    spent = session_seconds([e.dose for e in plan.exercises])
    assert spent <= 60 * minutes
    if plan.phase != "acute" and minutes >= 30:
        # Not a token session either: at least a third of the time has work in it.
        assert spent >= 20 * minutes


# Found by a black-box probe of unusual profiles (each failed before its fix).

GLUTES_ON_ANSWER = answers(glute_test={"feels_glutes_in_bridge": "yes"}).glute_test
NO_DIRECTIONS = {
    "aggravating_movements": [],
    "directions_that_spread": [],
    "directions_that_ease": [],
}


def test_removing_the_whole_bridge_family_leaves_no_banded_bridge_in_its_place() -> None:
    quiz = answers(
        RECOVERY,
        symptoms=NO_DIRECTIONS,
        equipment=["mini_band"],
        glute_test={"feels_glutes_in_bridge": "yes"},
    )
    plan = generate_plan(quiz, [decision("glute-bridge-hold", rule="immediate")], LIB)
    bridges = {e.id for e in LIB.exercises if e.family == "glute-bridge"}
    assert "banded-glute-bridge" in bridges  # the same bridge against a band: a harder variant
    assert not bridges & set(plan.exercise_ids)
    assert {r.exercise_id for r in plan.removed} == bridges


def test_with_the_glute_gate_shut_no_squat_lunge_step_up_or_jump_under_body_weight() -> None:
    shut = answers(
        RECOVERY,
        symptoms=NO_DIRECTIONS,
        equipment=[],
        goals=["return_to_running", "strength"],
        glute_test={"feels_glutes_in_bridge": "no"},
        schedule={"sessions_per_week": 3, "minutes_per_session": 60},
    )
    hip_strength = {"bodyweight-squat", "split-squat", "reverse-lunge", "step-up", "box-jump"}
    assert not hip_strength & set(generate_plan(shut, [], LIB).exercise_ids)
    reasons = {x.exercise_id: x for x in generate_plan(shut, [], LIB).excluded}
    assert all(reasons[e].rule == "glute_gate" for e in hip_strength - {"box-jump"})
    assert "box-jump" in reasons  # impact work needs its easier steps first anyway
    opened = shut.model_copy(update={"glute_test": GLUTES_ON_ANSWER})
    assert hip_strength & set(generate_plan(opened, [], LIB).exercise_ids)


def test_when_walking_aggravates_jumping_is_not_the_cardio_instead() -> None:
    quiz = answers(
        RECOVERY,
        symptoms={**NO_DIRECTIONS, "aggravating_movements": ["walking", "standing"]},
        equipment=[],
        goals=["lose_weight"],
        glute_test={"feels_glutes_in_bridge": "yes"},
        schedule={"sessions_per_week": 3, "minutes_per_session": 45},
    )
    plan = generate_plan(quiz, [], LIB)
    jumps = {"jumping-jacks", "skipping", "box-jump"}
    assert not jumps & set(plan.exercise_ids)
    reasons = {x.exercise_id: x for x in plan.excluded}
    assert reasons["jumping-jacks"].rule == "aggravator:walking"
