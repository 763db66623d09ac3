"""Validation of the quiz answers schema: bad input is rejected with the field named."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.events.quiz_answers import QuizAnswers, RedFlagAnswers
from tests.factories.quiz import clean_answers


def _error_locs(data: dict[str, Any]) -> list[tuple[int | str, ...]]:
    with pytest.raises(ValidationError) as caught:
        QuizAnswers.model_validate(data)
    return [e["loc"] for e in caught.value.errors()]


def test_clean_answers_are_valid() -> None:
    answers = QuizAnswers.model_validate(clean_answers())
    assert answers.symptoms.leg_side == "left"


@pytest.mark.parametrize("field", ["back_pain", "leg_pain"])
@pytest.mark.parametrize("value", [-1, 11])
def test_out_of_range_pain_is_rejected_naming_the_field(field: str, value: int) -> None:
    assert _error_locs(clean_answers(symptoms={field: value})) == [("symptoms", field)]


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"about": {"age": 17}}, ("about", "age")),
        ({"about": {"age": 111}}, ("about", "age")),
        ({"schedule": {"sessions_per_week": 0}}, ("schedule", "sessions_per_week")),
        ({"schedule": {"sessions_per_week": 8}}, ("schedule", "sessions_per_week")),
        ({"schedule": {"minutes_per_session": 9}}, ("schedule", "minutes_per_session")),
        ({"schedule": {"minutes_per_session": 91}}, ("schedule", "minutes_per_session")),
    ],
)
def test_out_of_range_numbers_are_rejected(overrides: dict[str, Any], loc: tuple[str, ...]) -> None:
    assert _error_locs(clean_answers(**overrides)) == [loc]


@pytest.mark.parametrize("age", [18, 110])
def test_age_bounds_are_inclusive(age: int) -> None:
    assert QuizAnswers.model_validate(clean_answers(about={"age": age})).about.age == age


def test_unknown_top_level_field_is_rejected() -> None:
    assert _error_locs(clean_answers(favourite_colour="blue")) == [("favourite_colour",)]


def test_unknown_nested_field_is_rejected() -> None:
    assert _error_locs(clean_answers(symptoms={"mood": "grumpy"})) == [("symptoms", "mood")]


def test_unknown_choice_is_rejected() -> None:
    locs = _error_locs(clean_answers(equipment=["mat", "trampoline"]))
    assert locs == [("equipment", 1)]


def test_a_direction_that_both_spreads_and_eases_is_rejected() -> None:
    data = clean_answers(
        symptoms={
            "directions_that_spread": ["flexion", "rotation"],
            "directions_that_ease": ["extension", "rotation"],
        }
    )
    with pytest.raises(ValidationError) as caught:
        QuizAnswers.model_validate(data)
    (error,) = caught.value.errors()
    assert error["loc"] == ("symptoms", "directions_that_ease")
    assert "rotation" in error["msg"]


@pytest.mark.parametrize("flag", sorted(RedFlagAnswers.model_fields))
def test_a_missing_red_flag_answer_is_rejected_naming_it(flag: str) -> None:
    data = clean_answers()
    del data["red_flags"][flag]
    with pytest.raises(ValidationError) as caught:
        QuizAnswers.model_validate(data)
    (error,) = caught.value.errors()
    assert (error["type"], error["loc"]) == ("missing", ("red_flags", flag))


def test_every_red_flag_is_required() -> None:
    assert all(field.is_required() for field in RedFlagAnswers.model_fields.values())


def test_at_least_one_goal_is_required() -> None:
    assert _error_locs(clean_answers(goals=[])) == [("goals",)]


def test_no_equipment_means_body_weight_only() -> None:
    assert QuizAnswers.model_validate(clean_answers(equipment=[])).equipment == ()


def test_choice_sets_are_deduplicated_and_sorted() -> None:
    answers = QuizAnswers.model_validate(
        clean_answers(goals=["strength", "mobility", "strength"], equipment=["step", "mat"])
    )
    assert answers.goals == ("mobility", "strength")
    assert answers.equipment == ("mat", "step")


def test_answers_round_trip_through_json() -> None:
    answers = QuizAnswers.model_validate(clean_answers())
    assert QuizAnswers.model_validate_json(answers.model_dump_json()) == answers


def test_answers_are_frozen_and_hashable() -> None:
    answers = QuizAnswers.model_validate(clean_answers())
    with pytest.raises(ValidationError):
        answers.about.age = 50  # type: ignore[misc]
    assert hash(answers) == hash(QuizAnswers.model_validate(clean_answers()))


@settings(database=None)
@given(
    movements=st.lists(
        st.sampled_from(["sitting", "walking", "lifting", "standing", "lying_down"]), max_size=8
    ),
    goals=st.lists(st.sampled_from(["reduce_pain", "strength", "mobility"]), min_size=1),
    data=st.data(),
)
def test_same_answers_in_any_order_give_the_same_json(
    movements: list[str], goals: list[str], data: st.DataObject
) -> None:
    shuffled_movements = data.draw(st.permutations(movements))
    shuffled_goals = data.draw(st.permutations(goals))
    first = clean_answers(symptoms={"aggravating_movements": movements}, goals=goals)
    second = clean_answers(
        symptoms={"aggravating_movements": shuffled_movements}, goals=shuffled_goals
    )
    assert (
        QuizAnswers.model_validate(first).model_dump_json()
        == QuizAnswers.model_validate(second).model_dump_json()
    )


def test_a_choice_list_of_100000_items_is_one_too_long_error() -> None:
    """Refused before its items are read (each unknown choice was an error of its own)."""
    data = clean_answers()
    data["symptoms"]["aggravating_movements"] = ["flying"] * 100_000
    with pytest.raises(ValidationError) as caught:
        QuizAnswers.model_validate(data)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [
        (("symptoms", "aggravating_movements"), "too_long")
    ]
