"""When a plan gets a new version, as pure decisions (DOMAIN.md sections 1-4): an event and
the user's state in, the next version (plan, changes, why) or `Unchanged` out. The use cases
around them load the state, save what they decide and emit.

- A quiz always makes a new version, unless a later quiz was already applied.
- A removal is kept for good (unless it adds nothing to the stored ones); it makes a new
  version only when the user has a plan that is not paused and whose exercises it changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from services.planner.domain.diff import PlanChanges, diff_plans
from services.planner.domain.generator import generate_plan
from services.planner.domain.library import Library
from services.planner.domain.plan import Plan
from services.planner.domain.removals import RemovalDecision, RemovalRule, Severity, merge_removal
from shared.events.base import Frozen
from shared.events.flares import ExerciseRemoved, RemovalEvidence
from shared.events.quiz import QuizCompleted
from shared.events.quiz_answers import QuizAnswers


class QuizReason(Frozen):
    """A version made by new quiz answers."""

    kind: Literal["quiz"] = "quiz"
    response_id: uuid.UUID
    message: str
    phase_reasons: tuple[str, ...]


class RemovalReason(Frozen):
    """A version made by a removal: which exercises it took out, and the evidence."""

    kind: Literal["removal"] = "removal"
    exercise_id: str
    rule: RemovalRule
    severity: Severity
    removed: tuple[str, ...] = Field(description="The exercises this removal newly took out")
    evidence: RemovalEvidence
    decided_at: AwareDatetime
    event_id: uuid.UUID
    message: str


Reason = Annotated[QuizReason | RemovalReason, Field(discriminator="kind")]


@dataclass(frozen=True, slots=True)
class PlanState:
    """What the decisions need to know of one user."""

    removals: Mapping[str, RemovalDecision]
    current: Plan | None = None  # the current version's plan
    quiz_at: datetime | None = None  # when the applied quiz was answered
    paused: bool = False
    # The applied quiz's answers, None when there is no plan yet; a call, made only when a
    # removal may change the plan (parsing stored answers costs).
    answers: Callable[[], QuizAnswers] | None = None


@dataclass(frozen=True, slots=True)
class NextVersion:
    plan: Plan
    changes: PlanChanges
    reason: QuizReason | RemovalReason


@dataclass(frozen=True, slots=True)
class Unchanged:
    why: Literal[
        "older_quiz", "unknown_exercise", "duplicate", "no_plan", "plan_paused", "not_in_plan"
    ]


@dataclass(frozen=True, slots=True)
class RemovalDecided:
    """What a removal does: the removal to keep (None: nothing new) and the next version."""

    kept: RemovalDecision | None
    next: NextVersion | Unchanged


def after_quiz(state: PlanState, event: QuizCompleted, library: Library) -> NextVersion | Unchanged:
    if state.quiz_at is not None and event.occurred_at < state.quiz_at:
        return Unchanged("older_quiz")
    plan = generate_plan(event.answers, state.removals.values(), library)
    reason = QuizReason(
        response_id=event.response_id,
        message=f"new quiz answers: {plan.phase} phase",
        phase_reasons=plan.phase_reasons,
    )
    return NextVersion(plan, diff_plans(state.current, plan, library), reason)


def after_removal(state: PlanState, event: ExerciseRemoved, library: Library) -> RemovalDecided:
    exercise = library.get(event.exercise_id)
    if exercise is None:
        return RemovalDecided(None, Unchanged("unknown_exercise"))
    decision = RemovalDecision(
        exercise_id=event.exercise_id, rule=event.rule, severity=event.severity
    )
    kept = merge_removal(state.removals, decision)
    if kept is None:
        return RemovalDecided(None, Unchanged("duplicate"))
    if state.answers is None:
        return RemovalDecided(kept, Unchanged("no_plan"))
    if state.paused:
        return RemovalDecided(kept, Unchanged("plan_paused"))
    removals = {**state.removals, kept.exercise_id: kept}
    plan = generate_plan(state.answers(), removals.values(), library)
    before = state.current
    changes = diff_plans(before, plan, library)
    if before is not None and not changes.exercises_changed:
        return RemovalDecided(kept, Unchanged("not_in_plan"))
    newly = sorted(
        r.exercise_id
        for r in plan.removed
        if r.because_of == kept.exercise_id and (before is None or r not in before.removed)
    )
    if event.rule == "immediate":
        message = (
            f"{exercise.name} removed at once: burning, shooting or radiating pain during it"
            " (rule one)"
        )
    else:
        message = f"{exercise.name} removed: it kept coming before flares ({event.severity})"
    reason = RemovalReason(
        exercise_id=event.exercise_id,
        rule=event.rule,
        severity=event.severity,
        removed=tuple(newly),
        evidence=event.evidence,
        decided_at=event.decided_at,
        event_id=event.event_id,
        message=message,
    )
    return RemovalDecided(kept, NextVersion(plan, changes, reason))
