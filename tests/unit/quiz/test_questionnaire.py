"""The questionnaire and the answers schema describe the same questions, one to one."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from pydantic import BaseModel

from services.quiz.domain.questionnaire import (
    QUESTION_TEXTS,
    QUESTIONNAIRE_VERSION,
    SECTION_TITLES,
    Question,
    build_questionnaire,
    question_ids,
)
from services.quiz.domain.screening import RED_FLAG_RULES
from shared.events.quiz_answers import Direction, Movement, QuizAnswers
from tests.factories.quiz import clean_answers


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted paths of every answer: nested sections are walked, their fields are the leaves."""
    paths = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths += _field_paths(annotation, f"{prefix}{name}.")
        else:
            paths.append(f"{prefix}{name}")
    return paths


def _questions() -> dict[str, Question]:
    return {q.id: q for s in build_questionnaire().sections for q in s.questions}


def test_every_answer_has_exactly_one_question_and_vice_versa() -> None:
    ids = question_ids(build_questionnaire())
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(_field_paths(QuizAnswers))


def test_no_text_or_title_is_left_over_from_a_removed_question() -> None:
    assert set(QUESTION_TEXTS) == set(_field_paths(QuizAnswers))
    assert set(SECTION_TITLES) == set(QuizAnswers.model_fields)


def test_questionnaire_is_versioned_and_json_ready() -> None:
    document = build_questionnaire().model_dump(mode="json")
    assert document["version"] == QUESTIONNAIRE_VERSION
    assert [s["id"] for s in document["sections"]] == list(QuizAnswers.model_fields)


def test_allowed_values_come_from_the_answer_types() -> None:
    questions = _questions()
    movements = questions["symptoms.aggravating_movements"]
    assert movements.type == "multi_choice"
    assert [c.value for c in movements.choices or ()] == list(get_args(Movement))
    spread = questions["symptoms.directions_that_spread"]
    assert [c.value for c in spread.choices or ()] == list(get_args(Direction))


@pytest.mark.parametrize(
    ("qid", "expected"),
    [
        ("about.age", {"type": "integer", "minimum": 18, "maximum": 110}),
        ("symptoms.leg_pain", {"type": "integer", "minimum": 0, "maximum": 10}),
        ("schedule.sessions_per_week", {"type": "integer", "minimum": 1, "maximum": 7}),
        ("schedule.minutes_per_session", {"type": "integer", "minimum": 10, "maximum": 90}),
        ("symptoms.pain_below_knee", {"type": "boolean"}),
        ("symptoms.duration", {"type": "choice"}),
        ("glute_test.feels_glutes_in_bridge", {"type": "choice"}),
        ("goals", {"type": "multi_choice", "min_choices": 1}),
        ("equipment", {"type": "multi_choice", "min_choices": 0}),
    ],
)
def test_question_types_and_bounds_match_the_schema(qid: str, expected: dict[str, Any]) -> None:
    question = _questions()[qid].model_dump()
    assert {key: question[key] for key in expected} == expected
    assert question["required"] is True


def test_every_red_flag_question_carries_its_level_and_no_other_does() -> None:
    for qid, question in _questions().items():
        section, _, field = qid.rpartition(".")
        if section == "red_flags":
            assert question.type == "boolean"
            assert question.level == RED_FLAG_RULES[field].level
        else:
            assert question.level is None


def test_every_choice_has_a_label() -> None:
    for question in _questions().values():
        for choice in question.choices or ():
            assert choice.label.strip()


def test_an_answer_using_every_offered_choice_validates() -> None:
    # Whatever the questionnaire offers, the validator accepts (directions excepted: a
    # direction cannot both spread and ease, so only one of the two lists takes them all).
    questions = _questions()
    every = {qid: [c.value for c in q.choices or ()] for qid, q in questions.items()}
    data = clean_answers(
        symptoms={
            "aggravating_movements": every["symptoms.aggravating_movements"],
            "directions_that_spread": every["symptoms.directions_that_spread"],
            "directions_that_ease": [],
        },
        equipment=every["equipment"],
        goals=every["goals"],
    )
    QuizAnswers.model_validate(data)
    for qid in ("symptoms.duration", "symptoms.trend", "symptoms.leg_side"):
        for value in every[qid]:
            QuizAnswers.model_validate(clean_answers(symptoms={qid.split(".")[1]: value}))
