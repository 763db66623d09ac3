"""The JSON shapes of the planner's reads, built from stored rows (no I/O here)."""

from __future__ import annotations

from typing import Any

from services.planner.domain.library import Exercise, Library
from services.planner.domain.plan import Plan, PlannedExercise
from services.planner.domain.removals import RemovedExercise
from services.planner.domain.rules import removal_reason


def exercise_view(ex: Exercise) -> dict[str, Any]:
    body = ex.model_dump(mode="json", exclude={"family"})
    return {"family": ex.family, **body}


def plan_view(
    user: dict[str, Any],
    row: dict[str, Any],
    removals: list[dict[str, Any]],
    library: Library,
) -> dict[str, Any]:
    plan = Plan.model_validate(row["plan"])
    stored = {r["exercise_id"]: r for r in removals}
    paused = user["paused_at"] is not None
    return {
        "plan_id": str(row["plan_id"]),
        "user_id": user["user_id"],
        "version": row["version"],
        "status": "paused" if paused else "active",
        "paused": (
            {"level": user["paused_level"], "since": user["paused_at"].isoformat()}
            if paused
            else None
        ),
        "trigger": row["trigger"],
        "created_at": row["created_at"].isoformat(),
        "library_version": plan.library_version,
        "phase": plan.phase,
        "phase_reasons": list(plan.phase_reasons),
        "glute_gate_open": plan.glute_gate_open,
        "days": list(plan.days),
        "exercises": [_planned_view(e, library) for e in plan.exercises],
        "excluded": [
            {"id": x.exercise_id, "rule": x.rule, "reason": x.reason} for x in plan.excluded
        ],
        "removed": [_removed_view(r, stored, library) for r in plan.removed],
    }


def _planned_view(e: PlannedExercise, library: Library) -> dict[str, Any]:
    # How to do it comes from the library, so a client needs no second call to show it.
    ex = library.get(e.exercise_id)
    return {
        "id": e.exercise_id,
        "name": e.name,
        "category": e.category,
        "dose": e.dose.model_dump(mode="json", exclude_none=True),
        "days": list(e.days),
        "why": e.why,
        "instructions": ex.instructions if ex else None,
        "equipment": list(ex.equipment) if ex else [],
        "position": ex.position if ex else None,
    }


def _removed_view(
    r: RemovedExercise, stored: dict[str, dict[str, Any]], library: Library
) -> dict[str, Any]:
    source = stored.get(r.because_of)
    return {
        "id": r.exercise_id,
        "because_of": r.because_of,
        "rule": r.rule,
        "severity": r.severity,
        "reason": removal_reason(r, library),
        "evidence": source["evidence"] if source else None,
        "decided_at": source["decided_at"].isoformat() if source else None,
    }


def version_view(row: dict[str, Any]) -> dict[str, Any]:
    plan = row["plan"]
    return {
        "version": row["version"],
        "trigger": row["trigger"],
        "created_at": row["created_at"].isoformat(),
        "phase": plan["phase"],
        "exercise_ids": [e["exercise_id"] for e in plan["exercises"]],
        "removed_ids": [r["exercise_id"] for r in plan["removed"]],
        "changes": row["changes"],
        "why": row["reasons"],
    }
