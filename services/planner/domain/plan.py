"""A plan: what this person does, on which days, what was left out and why.

Plan content holds no timestamps and no ids of its own, so the same inputs give the same plan
byte for byte; versions, times and triggers belong to the stored version around it.
"""

from __future__ import annotations

from typing import Literal

from services.planner.domain.library import Category, Dose, Phase
from services.planner.domain.removals import RemovedExercise
from services.planner.domain.rules import Exclusion
from shared.events.base import Frozen

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class PlannedExercise(Frozen):
    exercise_id: str
    name: str
    category: Category
    dose: Dose
    days: tuple[Weekday, ...]
    why: str


class Plan(Frozen):
    library_version: str
    phase: Phase
    phase_reasons: tuple[str, ...]
    glute_gate_open: bool
    days: tuple[Weekday, ...]
    # Empty only if removals took out everything the rules allow: still a valid answer.
    exercises: tuple[PlannedExercise, ...]
    excluded: tuple[Exclusion, ...]
    removed: tuple[RemovedExercise, ...]

    @property
    def exercise_ids(self) -> tuple[str, ...]:
        return tuple(e.exercise_id for e in self.exercises)
