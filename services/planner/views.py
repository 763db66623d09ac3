"""The planner's answers: one response model per route, built from the store's records (no
I/O here)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from services.planner.domain.diff import PlanChanges
from services.planner.domain.library import (
    MAX_EXERCISES,
    Category,
    Dose,
    Exercise,
    Library,
    Phase,
    Position,
)
from services.planner.domain.plan import Plan, PlannedExercise, Weekday
from services.planner.domain.removals import RemovalRule, RemovedExercise, Severity
from services.planner.domain.rules import removal_reason
from services.planner.domain.versions import Reason
from services.planner.store import RemovalRecord, UserRecord, VersionRecord
from shared.events.flares import RemovalEvidence
from shared.events.plans import PlanTrigger
from shared.events.quiz_answers import Equipment

__all__ = ["Exercise", "ExerciseLibrary", "PlanView", "VersionView"]


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class ExerciseLibrary(View):
    """The whole library: static data, at most `MAX_EXERCISES` exercises, so not paged."""

    version: str
    exercises: list[Exercise] = Field(max_length=MAX_EXERCISES)


class PlannedExerciseView(View):
    """One exercise of the plan, with how to do it, so a client needs no second call."""

    id: str
    name: str
    category: Category
    dose: Dose
    days: list[Weekday]
    why: str
    instructions: str | None
    equipment: list[Equipment]
    position: Position | None


class ExcludedView(View):
    """An exercise the rules left out for this person, and why."""

    id: str
    rule: str = Field(description='A stable code: "load:neural_tensioner", "glute_gate", ...')
    reason: str


class RemovedView(View):
    """An exercise removed for this person, the removal it comes from and its evidence."""

    id: str
    because_of: str = Field(description="The exercise the removal named: itself or an easier one")
    rule: RemovalRule
    severity: Severity
    reason: str
    evidence: RemovalEvidence | None
    decided_at: datetime | None


class Paused(View):
    level: str = Field(description="The referral's level")
    since: datetime


class PlanView(View):
    """The user's current plan."""

    plan_id: uuid.UUID
    user_id: str
    version: int
    status: Literal["active", "paused"]
    paused: Paused | None = Field(description="Set while a referral pauses the plan")
    trigger: PlanTrigger
    created_at: datetime
    library_version: str
    phase: Phase
    phase_reasons: list[str]
    glute_gate_open: bool
    days: list[Weekday]
    exercises: list[PlannedExerciseView]
    excluded: list[ExcludedView]
    removed: list[RemovedView]


class VersionView(View):
    """One version of a user's plan: what it holds, what changed and why."""

    version: int
    trigger: PlanTrigger
    created_at: datetime
    phase: Phase
    exercise_ids: list[str]
    removed_ids: list[str]
    changes: PlanChanges
    why: list[Reason]


def plan_view(
    user: UserRecord, version: VersionRecord, removals: list[RemovalRecord], library: Library
) -> PlanView:
    plan = Plan.model_validate(version.plan)
    stored = {r.exercise_id: r for r in removals}
    paused = (
        Paused(level=user.paused_level or "", since=user.paused_at)
        if user.paused_at is not None
        else None
    )
    return PlanView(
        plan_id=version.plan_id,
        user_id=user.user_id,
        version=version.version,
        status="paused" if paused else "active",
        paused=paused,
        trigger=version.trigger,
        created_at=version.created_at,
        library_version=plan.library_version,
        phase=plan.phase,
        phase_reasons=list(plan.phase_reasons),
        glute_gate_open=plan.glute_gate_open,
        days=list(plan.days),
        exercises=[_planned_view(e, library) for e in plan.exercises],
        excluded=[
            ExcludedView(id=x.exercise_id, rule=x.rule, reason=x.reason) for x in plan.excluded
        ],
        removed=[_removed_view(r, stored, library) for r in plan.removed],
    )


def _planned_view(e: PlannedExercise, library: Library) -> PlannedExerciseView:
    ex = library.get(e.exercise_id)
    return PlannedExerciseView(
        id=e.exercise_id,
        name=e.name,
        category=e.category,
        dose=e.dose,
        days=list(e.days),
        why=e.why,
        instructions=ex.instructions if ex else None,
        equipment=list(ex.equipment) if ex else [],
        position=ex.position if ex else None,
    )


def _removed_view(
    r: RemovedExercise, stored: dict[str, RemovalRecord], library: Library
) -> RemovedView:
    source = stored.get(r.because_of)
    return RemovedView(
        id=r.exercise_id,
        because_of=r.because_of,
        rule=r.rule,
        severity=r.severity,
        reason=removal_reason(r, library),
        evidence=RemovalEvidence.model_validate(source.evidence) if source else None,
        decided_at=source.decided_at if source else None,
    )


_REASONS: TypeAdapter[list[Reason]] = TypeAdapter(list[Reason])


def version_view(row: VersionRecord) -> VersionView:
    plan = Plan.model_validate(row.plan)
    return VersionView(
        version=row.version,
        trigger=row.trigger,
        created_at=row.created_at,
        phase=plan.phase,
        exercise_ids=list(plan.exercise_ids),
        removed_ids=[r.exercise_id for r in plan.removed],
        changes=PlanChanges.model_validate(row.changes),
        why=_REASONS.validate_python(row.reasons),
    )
