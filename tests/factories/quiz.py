"""Quiz answers for tests: a valid, clean answer set (no red flag) as a JSON-able dict.

clean_answers()                                   # the request body of a clean quiz
clean_answers(red_flags={"saddle_numbness": True})  # nested keys merge, the rest stays
clean_answers(goals=["strength"])                  # non-dict values replace
"""

from __future__ import annotations

import copy
from typing import Any

from shared.events.quiz_answers import RedFlagAnswers


def clean_answers(**overrides: Any) -> dict[str, Any]:
    """Answers that pass validation and screening (level None), with `overrides` deep-merged."""
    base: dict[str, Any] = {
        "about": {"age": 40},
        "symptoms": {
            "duration": "2_to_6_weeks",
            "trend": "getting_better",
            "back_pain": 3,
            "leg_pain": 4,
            "pain_below_knee": True,
            "leg_side": "left",
            "aggravating_movements": ["bending_forward", "sitting"],
            "directions_that_spread": ["flexion"],
            "directions_that_ease": ["extension"],
            "pain_spreads_with_movement": False,
            "first_episode": False,
        },
        # Every red-flag question answered "no", including any added later.
        "red_flags": dict.fromkeys(RedFlagAnswers.model_fields, False),
        "equipment": ["mat", "resistance_band"],
        "goals": ["reduce_pain"],
        "schedule": {"sessions_per_week": 3, "minutes_per_session": 30},
        "glute_test": {"feels_glutes_in_bridge": "unsure"},
    }
    return deep_merge(base, overrides)


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A new dict: `overrides` on top of `base`, merging dicts key by key; inputs untouched."""
    merged = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
