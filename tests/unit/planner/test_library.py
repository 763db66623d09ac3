"""The exercise library: the shipped file is valid and rich enough; broken files are refused."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from pydantic import ValidationError

from services.planner.domain.generator import generate_plan
from services.planner.domain.library import Library
from tests.factories.planner import GLUTES_ON, GYM, NO_AGGRAVATORS, RECOVERY, answers, library

REQUIRED = [
    "glute-bridge",
    "single-leg-glute-bridge",
    "side-lying-hip-abduction",
    "standing-band-hip-abduction",
    "clamshell",
    "glute-squeeze",
    "prone-press-up",
    "prone-on-elbows",
    "supine-sciatic-nerve-slider",
    "straight-leg-raise-tensioner",
    "slump-stretch",
    "barbell-deadlift",
    "back-squat",
    "sit-up",
    "standing-toe-touch",
    "running",
    "jumping-jacks",
    "box-jump",
    "stationary-cycling",
    "swimming",
    "hamstring-stretch-strap",
    "long-sitting-hamstring-stretch",
    "single-knee-to-chest",
    "figure-4-stretch",
]


def _raw() -> dict[str, Any]:
    text = resources.files("services.planner.domain").joinpath("exercises.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def _exercise(data: dict[str, Any], exercise_id: str) -> dict[str, Any]:
    return next(e for e in data["exercises"] if e["id"] == exercise_id)


def test_shipped_library_is_valid_and_has_what_the_issue_asks_for() -> None:
    lib = library()
    assert len(lib.exercises) >= 60
    assert set(REQUIRED) <= set(lib.by_id)
    assert {e.category for e in lib.exercises} == {
        "glute_hip",
        "core_stability",
        "mobility",
        "nerve_mobilization",
        "aerobic",
        "strength",
    }
    every_tag = {t for e in lib.exercises for t in e.loads}
    assert len(every_tag) == 8
    assert {d for e in lib.exercises for d in e.directions_loaded} >= {"flexion", "extension"}
    assert len({e.instructions for e in lib.exercises}) == len(lib.exercises)


def test_confirmed_removal_reaches_every_harder_variant_in_the_family() -> None:
    lib = library()
    assert set(lib.harder_variants("glute-bridge")) == {
        "banded-glute-bridge",  # a branch: the same bridge against a band
        "marching-glute-bridge",
        "single-leg-glute-bridge",
        "dumbbell-hip-thrust",
        "barbell-hip-thrust",
    }
    assert "good-morning" in lib.harder_variants("kettlebell-deadlift")  # via a branch
    assert lib.harder_variants("barbell-hip-thrust") == ()


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (
            lambda d: _exercise(d, "glute-bridge").update(progression="no-such-exercise"),
            "is not in the library",
        ),
        (
            lambda d: _exercise(d, "clamshell").update(progression="glute-bridge"),
            "in another family",
        ),
        (lambda d: d["exercises"].append(dict(_exercise(d, "clamshell"))), "id used twice"),
        (
            lambda d: _exercise(d, "glute-bridge").update(regression="single-leg-glute-bridge"),
            "does not regress to it",
        ),
        (lambda d: _exercise(d, "plank")["safety"].update(reviewed_by=None), "names reviewed_by"),
        (lambda d: _exercise(d, "plank").update(loads=["heavy_feelings"]), "loads"),
        (lambda d: _exercise(d, "plank")["dose"].update(reps=5), "exactly one of"),
    ],
    ids=[
        "dangling-link",
        "cross-family",
        "duplicate-id",
        "incoherent",
        "unsigned-review",
        "unknown-tag",
        "two-measures",
    ],
)
def test_a_broken_library_is_refused_at_start(break_it: Any, message: str) -> None:
    data = _raw()
    break_it(data)
    with pytest.raises(ValidationError, match=message):
        Library.model_validate(data)


def test_an_unreviewed_exercise_is_never_prescribed_even_if_it_would_be_first_choice() -> None:
    data = _raw()
    data["exercises"] = [
        ({**e, "safety": {"reviewed": False}} if e.get("foundation") == "bridge" else e)
        for e in data["exercises"]
    ]
    lib = Library.model_validate(data)
    profile = answers(RECOVERY, GLUTES_ON, NO_AGGRAVATORS, equipment=GYM)
    before = generate_plan(profile, [], library())
    assert any(library().by_id[i].foundation == "bridge" for i in before.exercise_ids)
    plan = generate_plan(profile, [], lib)
    bridges = {e.id for e in lib.exercises if e.foundation == "bridge"}
    assert not bridges & set(plan.exercise_ids)
    reasons = {x.exercise_id: x.rule for x in plan.excluded}
    assert all(reasons[b] == "unreviewed" for b in bridges)


def test_the_shipped_unreviewed_exercises_are_excluded_for_everyone() -> None:
    lib = library()
    unreviewed = {e.id for e in lib.exercises if not e.safety.reviewed}
    assert unreviewed
    plan = generate_plan(answers(RECOVERY, GLUTES_ON, NO_AGGRAVATORS, equipment=GYM), [], lib)
    assert {x.exercise_id for x in plan.excluded if x.rule == "unreviewed"} == unreviewed
