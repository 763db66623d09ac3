"""Red-flag screening (DOMAIN.md section 1): every flag refers at its level, the worst wins."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.quiz.domain.screening import RED_FLAG_RULES, screen_red_flags
from shared.events.quiz_answers import QuizAnswers, RedFlagAnswers
from tests.factories.quiz import clean_answers

# Written out from DOMAIN.md section 1, independently of the rule table, so a wrong level in
# the table fails here.
EMERGENCY_FLAGS = [
    "saddle_numbness",
    "bladder_dysfunction",
    "bowel_incontinence",
    "sexual_dysfunction",
    "bilateral_leg_symptoms",
    "rapidly_worsening_weakness",
    "spreading_numbness",
]
SAME_DAY_FLAGS = [
    "foot_drop",
    "worsening_weakness",
    "cancer_history_with_new_pain",
    "unexplained_weight_loss",
    "fever_or_unwell",
    "immunosuppressed",
    "iv_drug_use",
    "long_term_steroids",
    "significant_trauma",
    "minor_trauma_with_osteoporosis",
    "constant_pain_not_eased_by_rest",
    "severe_night_pain",
    "unsteady_gait_or_clumsy_hands",
]
CLEARANCE_FLAGS = [
    "inflammatory_back_pain_signs",
    "recent_spinal_surgery",
    "pregnant",
    "known_stenosis_or_fracture",
    "severe_uncontrolled_pain",
]


def _screen(**overrides: Any) -> tuple[str | None, list[str]]:
    screening = screen_red_flags(QuizAnswers.model_validate(clean_answers(**overrides)))
    return screening.level, [reason.code for reason in screening.reasons]


def test_every_red_flag_question_has_a_test_and_a_rule() -> None:
    tested = EMERGENCY_FLAGS + SAME_DAY_FLAGS + CLEARANCE_FLAGS
    assert sorted(tested) == sorted(RedFlagAnswers.model_fields)
    assert set(RedFlagAnswers.model_fields) <= set(RED_FLAG_RULES)


def test_clean_answers_are_clear_to_plan() -> None:
    screening = screen_red_flags(QuizAnswers.model_validate(clean_answers()))
    assert screening.level is None
    assert screening.reasons == ()
    assert screening.clear


@pytest.mark.parametrize("flag", EMERGENCY_FLAGS)
def test_emergency_flag_refers_to_emergency(flag: str) -> None:
    assert _screen(red_flags={flag: True}) == ("emergency", [flag])


@pytest.mark.parametrize("flag", SAME_DAY_FLAGS)
def test_same_day_flag_refers_same_day(flag: str) -> None:
    assert _screen(red_flags={flag: True}) == ("same_day", [flag])


@pytest.mark.parametrize("flag", CLEARANCE_FLAGS)
def test_clearance_flag_requires_clearance(flag: str) -> None:
    assert _screen(red_flags={flag: True}) == ("clearance", [flag])


def test_emergency_message_sends_the_person_to_an_emergency_department() -> None:
    screening = screen_red_flags(
        QuizAnswers.model_validate(clean_answers(red_flags={"saddle_numbness": True}))
    )
    assert "emergency department now" in screening.reasons[0].message


def test_the_most_urgent_level_wins_and_every_flag_is_reported() -> None:
    level, codes = _screen(
        red_flags={"pregnant": True, "fever_or_unwell": True, "bladder_dysfunction": True}
    )
    assert level == "emergency"
    assert codes == ["bladder_dysfunction", "fever_or_unwell", "pregnant"]


def test_same_day_beats_clearance() -> None:
    level, codes = _screen(red_flags={"recent_spinal_surgery": True, "severe_night_pain": True})
    assert (level, codes) == ("same_day", ["severe_night_pain", "recent_spinal_surgery"])


def test_both_legs_affected_refers_to_emergency_even_if_the_flag_says_no() -> None:
    assert _screen(symptoms={"leg_side": "both"}) == ("emergency", ["bilateral_leg_symptoms"])


def test_both_legs_reported_twice_gives_one_reason() -> None:
    level, codes = _screen(
        symptoms={"leg_side": "both"}, red_flags={"bilateral_leg_symptoms": True}
    )
    assert (level, codes) == ("emergency", ["bilateral_leg_symptoms"])


@pytest.mark.parametrize(
    ("age", "expected"),
    [(18, "clearance"), (19, "clearance"), (20, None), (55, None), (56, "clearance")],
)
def test_first_episode_before_20_or_after_55_requires_clearance(
    age: int, expected: str | None
) -> None:
    level, codes = _screen(about={"age": age}, symptoms={"first_episode": True})
    assert level == expected
    assert codes == (["first_episode_age"] if expected else [])


@pytest.mark.parametrize("age", [19, 56])
def test_age_alone_needs_no_clearance_when_it_is_not_the_first_episode(age: int) -> None:
    assert _screen(about={"age": age}, symptoms={"first_episode": False}) == (None, [])


@pytest.mark.parametrize("field", ["back_pain", "leg_pain"])
@pytest.mark.parametrize("pain", [7, 8, 10])
def test_a_high_pain_rating_alone_is_not_uncontrolled_pain(field: str, pain: int) -> None:
    assert _screen(symptoms={field: pain}) == (None, [])


def test_severe_uncontrolled_pain_answer_requires_clearance_whatever_the_rating() -> None:
    level, codes = _screen(symptoms={"leg_pain": 9}, red_flags={"severe_uncontrolled_pain": True})
    assert (level, codes) == ("clearance", ["severe_uncontrolled_pain"])


@st.composite
def valid_answers(draw: st.DrawFn) -> QuizAnswers:
    """Any valid answer set: red flags, pain, age, first episode and leg side all vary."""
    # Each direction spreads the pain, eases it, or neither: never both.
    effect = {
        d: draw(st.sampled_from(["spread", "ease", None]))
        for d in ("flexion", "extension", "rotation", "side_bending")
    }
    spread = [d for d, e in effect.items() if e == "spread"]
    ease = [d for d, e in effect.items() if e == "ease"]
    data = clean_answers(
        about={"age": draw(st.integers(18, 110))},
        symptoms={
            "back_pain": draw(st.integers(0, 10)),
            "leg_pain": draw(st.integers(0, 10)),
            "leg_side": draw(st.sampled_from(["left", "right", "both", "none"])),
            "first_episode": draw(st.booleans()),
            "directions_that_spread": spread,
            "directions_that_ease": ease,
        },
        red_flags={flag: draw(st.booleans()) for flag in sorted(RedFlagAnswers.model_fields)},
    )
    return QuizAnswers.model_validate(data)


@settings(database=None, max_examples=300)
@given(valid_answers())
def test_any_emergency_flag_means_emergency(answers: QuizAnswers) -> None:
    screening = screen_red_flags(answers)
    if any(getattr(answers.red_flags, flag) for flag in EMERGENCY_FLAGS):
        assert screening.level == "emergency"


@settings(database=None, max_examples=300)
@given(valid_answers())
def test_level_is_the_most_urgent_reason_and_reasons_are_unique(answers: QuizAnswers) -> None:
    screening = screen_red_flags(answers)
    levels = [reason.level for reason in screening.reasons]
    codes = [reason.code for reason in screening.reasons]
    assert len(codes) == len(set(codes))
    assert screening.level == (levels[0] if levels else None)
    order = ["emergency", "same_day", "clearance"]
    assert [order.index(level) for level in levels] == sorted(order.index(lv) for lv in levels)
    # Every red-flag answer of "yes" is reported: none hides behind a more urgent one.
    answered_yes = {flag for flag, value in answers.red_flags if value}
    assert answered_yes <= set(codes)
