"""The exercise library: a reviewed data file, validated before anything is prescribed.

`exercises.json` (beside this module) is the data; this module is its schema and the checks
that run at start (DOMAIN.md section 3): ids unique and stable, regression and progression
links resolve inside the exercise's family, families have no cycles, every load tag is a
known one. An exercise whose safety profile is not reviewed may sit in the library, but the
planner never prescribes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import cached_property
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from shared.events.base import Frozen
from shared.events.quiz_answers import Direction, Equipment, Goal, Movement

Category = Literal[
    "glute_hip", "core_stability", "mobility", "nerve_mobilization", "aerobic", "strength"
]
Position = Literal[
    "supine", "prone", "side_lying", "quadruped", "kneeling", "seated", "standing", "in_water"
]
Phase = Literal["acute", "subacute", "recovery"]
PHASES: tuple[Phase, ...] = ("acute", "subacute", "recovery")
# The mechanical loads of DOMAIN.md section 3; `directions_loaded` is the last column.
LoadTag = Literal[
    "flexion_under_load",
    "axial_compression",
    "neural_tensioner",
    "neural_slider",
    "rotation_under_load",
    "impact",
    "piriformis_compression",
    "sustained_sitting",
]
Foundation = Literal["bridge", "abduction"]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")]


class Dose(Frozen):
    """How much: sets of reps, of a hold in seconds, or minutes of continuous work."""

    sets: int = Field(ge=1, le=6)
    reps: int | None = Field(default=None, ge=1, le=30)
    hold_s: int | None = Field(default=None, ge=5, le=120)
    minutes: int | None = Field(default=None, ge=3, le=60)
    rest_s: int = Field(ge=0, le=300)
    per_side: bool = False

    @model_validator(mode="after")
    def _one_measure(self) -> Self:
        measures = [m for m in (self.reps, self.hold_s, self.minutes) if m is not None]
        if len(measures) != 1:
            raise ValueError("a dose has exactly one of reps, hold_s or minutes")
        return self


class SafetyProfile(Frozen):
    """Who checked the tags and phases of this exercise. Unreviewed: never prescribed."""

    reviewed: bool
    reviewed_by: str | None = Field(default=None, max_length=120)
    reviewed_on: date | None = None
    notes: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _review_is_signed(self) -> Self:
        if self.reviewed and (not self.reviewed_by or self.reviewed_on is None):
            raise ValueError("a reviewed safety profile names reviewed_by and reviewed_on")
        return self


class Exercise(Frozen):
    id: Slug
    name: str = Field(min_length=3, max_length=80)
    family: Slug
    category: Category
    position: Position
    equipment: tuple[Equipment, ...] = Field(
        description="Everything needed at once; empty is body weight only."
    )
    instructions: str = Field(min_length=40, max_length=800)
    loads: tuple[LoadTag, ...] = ()
    directions_loaded: tuple[Direction, ...] = ()
    # Quiz movements the exercise reproduces, matched against `aggravating_movements`.
    reproduces: tuple[Movement, ...] = ()
    external_load: bool = Field(description="Weights, bands or a machine add resistance.")
    activation: bool = Field(default=False, description="Glute activation (glute gate).")
    hip_strength: bool = Field(
        default=False,
        description="Lower-body strength that loads the glutes and hips under body weight "
        "(squats, lunges, step-ups, jumps): behind the glute gate like added load.",
    )
    foundation: Foundation | None = None
    phases: tuple[Phase, ...] = Field(min_length=1)
    goals: tuple[Goal, ...] = ()
    dose: Dose
    regression: Slug | None = None
    progression: Slug | None = None
    safety: SafetyProfile

    @model_validator(mode="after")
    def _sorted_unique_sets(self) -> Self:
        for name in ("equipment", "loads", "directions_loaded", "reproduces", "phases", "goals"):
            values = getattr(self, name)
            if len(set(values)) != len(values):
                raise ValueError(f"{name} lists a value twice")
        if self.regression == self.id or self.progression == self.id:
            raise ValueError("an exercise cannot be its own regression or progression")
        return self

    @property
    def prescribable(self) -> bool:
        return self.safety.reviewed


class LibraryError(ValueError):
    """The library file breaks a rule: the service must not start with it."""


# The library is static data served whole (`GET /v1/exercises`, no cursor): this bound, checked
# when it is loaded, keeps that answer small.
MAX_EXERCISES = 500


class Library(Frozen):
    version: str = Field(min_length=1, max_length=32)
    exercises: tuple[Exercise, ...] = Field(min_length=1, max_length=MAX_EXERCISES)

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        problems = list(_problems(self.exercises))
        if problems:
            raise LibraryError("; ".join(problems))
        return self

    @cached_property
    def by_id(self) -> Mapping[str, Exercise]:
        return {e.id: e for e in self.exercises}

    def get(self, exercise_id: str) -> Exercise | None:
        return self.by_id.get(exercise_id)

    @cached_property
    def depth(self) -> Mapping[str, int]:
        """Steps of regression below each exercise: 0 is the easiest of its family."""
        found: dict[str, int] = {}
        for e in self.exercises:
            steps, current = 0, e
            while current.regression is not None:
                steps += 1
                current = self.by_id[current.regression]
            found[e.id] = steps
        return found

    @cached_property
    def _easier_to_harder(self) -> Mapping[str, tuple[str, ...]]:
        edges: dict[str, set[str]] = {e.id: set() for e in self.exercises}
        for e in self.exercises:
            if e.progression is not None:
                edges[e.id].add(e.progression)
            if e.regression is not None:
                edges[e.regression].add(e.id)
        return {k: tuple(sorted(v)) for k, v in edges.items()}

    def harder_variants(self, exercise_id: str) -> tuple[str, ...]:
        """Every exercise reached by progressing from this one, sorted (DOMAIN.md 3)."""
        seen: set[str] = set()
        todo = list(self._easier_to_harder.get(exercise_id, ()))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self._easier_to_harder[current])
        return tuple(sorted(seen))


def _problems(exercises: Iterable[Exercise]) -> Iterable[str]:
    items = list(exercises)
    by_id: dict[str, Exercise] = {}
    for e in items:
        if e.id in by_id:
            yield f"{e.id}: id used twice"
        by_id[e.id] = e
    for e in items:
        for kind in ("regression", "progression"):
            target = getattr(e, kind)
            if target is None:
                continue
            other = by_id.get(target)
            if other is None:
                yield f"{e.id}: {kind} {target} is not in the library"
            elif other.family != e.family:
                yield f"{e.id}: {kind} {target} is in another family ({other.family})"
        p = by_id.get(e.progression) if e.progression is not None else None
        if p is not None and p.regression != e.id:
            yield f"{e.id}: its progression {p.id} does not regress to it"
    for e in items:
        seen = {e.id}
        current = e
        while current.regression is not None and current.regression in by_id:
            if current.regression in seen:
                yield f"{e.id}: its regressions loop back"
                break
            seen.add(current.regression)
            current = by_id[current.regression]
