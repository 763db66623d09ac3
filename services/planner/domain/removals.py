"""Removals of exercises for one user (DOMAIN.md sections 3-4), as pure decisions.

A removal names one exercise. With `severity: confirmed` or `rule: immediate` it also removes
every harder variant of it (the progressions in its family, transitively); with
`severity: suspected` and the delayed rule, only that variant. Removals are kept per user and
apply to every later plan, whatever quiz comes next.

Repeating a removal is a no-op, unless the new one reaches further (a suspected removal later
confirmed, or the immediate rule firing on a suspected one): then it replaces the old one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from services.planner.domain.library import Library
from shared.events.base import Frozen

RemovalRule = Literal["immediate", "delayed"]
Severity = Literal["suspected", "confirmed"]


class RemovalDecision(Frozen):
    """The flare detector's decision, as the planner keeps it (evidence is kept beside it)."""

    exercise_id: str
    rule: RemovalRule
    severity: Severity

    @property
    def cascades(self) -> bool:
        """Whether harder variants go too (DOMAIN.md 4: rule one, and confirmed evidence)."""
        return self.severity == "confirmed" or self.rule == "immediate"


class RemovedExercise(Frozen):
    """One exercise out of this user's plans, and the removal it comes from."""

    exercise_id: str
    because_of: str  # the exercise the removal named; itself, or an easier variant
    rule: RemovalRule
    severity: Severity

    @property
    def direct(self) -> bool:
        return self.because_of == self.exercise_id


def merge_removal(
    existing: Mapping[str, RemovalDecision], new: RemovalDecision
) -> RemovalDecision | None:
    """What to store for `new`: None when it adds nothing to what is already stored."""
    old = existing.get(new.exercise_id)
    if old is None:
        return new
    if new.cascades and not old.cascades:
        return RemovalDecision(
            exercise_id=new.exercise_id,
            rule="immediate" if "immediate" in (old.rule, new.rule) else "delayed",
            severity="confirmed" if "confirmed" in (old.severity, new.severity) else "suspected",
        )
    return None


def removed_exercises(
    decisions: Iterable[RemovalDecision], library: Library
) -> dict[str, RemovedExercise]:
    """Every exercise the decisions take out, each attributed to one decision: its own if the
    exercise was named itself, else the easiest named variant below it (sorted, stable)."""
    found: dict[str, RemovedExercise] = {}
    ordered = sorted(decisions, key=lambda d: (library.depth.get(d.exercise_id, 0), d.exercise_id))
    for d in ordered:
        found[d.exercise_id] = RemovedExercise(
            exercise_id=d.exercise_id, because_of=d.exercise_id, rule=d.rule, severity=d.severity
        )
    for d in ordered:
        if not d.cascades:
            continue
        for harder in library.harder_variants(d.exercise_id):
            if harder not in found:
                found[harder] = RemovedExercise(
                    exercise_id=harder, because_of=d.exercise_id, rule=d.rule, severity=d.severity
                )
    return dict(sorted(found.items()))
