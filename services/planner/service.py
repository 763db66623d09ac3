"""Use cases of the planner: load, decide (pure domain), save a version, emit.

Each runs inside the unit of work of the consumed event, so a version, its user row and its
`plan-generated` event are committed together or not at all. Logs carry ids only: answers,
pain and evidence stay out of them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from services.planner import store
from services.planner.domain.diff import PlanChanges, diff_plans
from services.planner.domain.generator import generate_plan
from services.planner.domain.library import Library
from services.planner.domain.plan import Plan
from services.planner.domain.removals import RemovalDecision, merge_removal
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.flares import ExerciseRemoved
from shared.events.plans import PlanGenerated, PlanTrigger
from shared.events.quiz import QuizCompleted, UserReferred
from shared.events.quiz_answers import QuizAnswers
from shared.observability.logging import get_logger
from shared.observability.metrics import PLANNER_REMOVALS, PLANS_GENERATED

log = get_logger(__name__)


async def on_quiz_completed(uow: UnitOfWork, library: Library, event: QuizCompleted) -> None:
    """A new quiz always starts a new version, unless a later quiz was already applied."""
    session = uow.session
    user = await store.get_user(session, event.tenant_id, event.user_id)
    if user and user["quiz_occurred_at"] and event.occurred_at < user["quiz_occurred_at"]:
        log.info("quiz_older_than_applied_ignored", event_id=str(event.event_id))
        return
    decisions = await _decisions(uow, event.tenant_id, event.user_id)
    plan = generate_plan(event.answers, decisions.values(), library)
    paused = bool(user and user["paused_at"] and user["paused_at"] > event.occurred_at)
    await _save_version(
        uow,
        library,
        user,
        event.tenant_id,
        event.user_id,
        trigger="quiz",
        plan=plan,
        inputs={"response_id": str(event.response_id), "answers": _answers_json(event.answers)},
        reasons=[
            {
                "kind": "quiz",
                "response_id": str(event.response_id),
                "message": f"new quiz answers: {plan.phase} phase",
                "phase_reasons": list(plan.phase_reasons),
            }
        ],
        user_values={
            "answers": _answers_json(event.answers),
            "response_id": event.response_id,
            "quiz_occurred_at": event.occurred_at,
            "paused_level": user["paused_level"] if paused and user else None,
            "paused_at": user["paused_at"] if paused and user else None,
        },
    )


async def on_exercise_removed(uow: UnitOfWork, library: Library, event: ExerciseRemoved) -> None:
    """Keep the removal for good; make a new version only if the current plan changes."""
    ids = {"event_id": str(event.event_id), "exercise_id": event.exercise_id}
    if library.get(event.exercise_id) is None:
        PLANNER_REMOVALS.labels("unknown_exercise").inc()
        log.warning("removal_of_unknown_exercise_ignored", **ids)
        return
    stored = await _decisions(uow, event.tenant_id, event.user_id)
    decision = RemovalDecision(
        exercise_id=event.exercise_id, rule=event.rule, severity=event.severity
    )
    merged = merge_removal(stored, decision)
    if merged is None:
        PLANNER_REMOVALS.labels("duplicate").inc()
        log.info("removal_already_applied", **ids)
        return
    await store.save_removal(
        uow.session,
        recorded_at=utc_now(),
        tenant_id=event.tenant_id,
        user_id=event.user_id,
        exercise_id=merged.exercise_id,
        rule=merged.rule,
        severity=merged.severity,
        evidence=event.evidence.model_dump(mode="json"),
        event_id=event.event_id,
        decided_at=event.decided_at,
    )
    user = await store.get_user(uow.session, event.tenant_id, event.user_id)
    if user is None or user["current_version"] == 0 or user["answers"] is None:
        PLANNER_REMOVALS.labels("no_plan").inc()
        log.info("removal_kept_for_user_without_plan", **ids)
        return
    if user["paused_at"] is not None:
        PLANNER_REMOVALS.labels("plan_paused").inc()
        log.info("removal_kept_plan_paused", **ids)
        return
    decisions = {**stored, merged.exercise_id: merged}
    answers = QuizAnswers.model_validate(user["answers"])
    plan = generate_plan(answers, decisions.values(), library)
    before = await _current_plan(uow, event.tenant_id, user)
    if before is not None and not diff_plans(before, plan, library).exercises_changed:
        PLANNER_REMOVALS.labels("not_in_plan").inc()
        log.info("removal_changes_nothing_in_plan", **ids)
        return
    newly = sorted(
        r.exercise_id
        for r in plan.removed
        if r.because_of == merged.exercise_id and (before is None or r not in before.removed)
    )
    PLANNER_REMOVALS.labels("applied").inc()
    await _save_version(
        uow,
        library,
        user,
        event.tenant_id,
        event.user_id,
        trigger="removal",
        plan=plan,
        inputs={
            "response_id": str(user["response_id"]) if user["response_id"] else None,
            "answers": user["answers"],
        },
        reasons=[
            {
                "kind": "removal",
                "exercise_id": event.exercise_id,
                "rule": event.rule,
                "severity": event.severity,
                "removed": newly,
                "evidence": event.evidence.model_dump(mode="json"),
                "decided_at": event.decided_at.isoformat(),
                "event_id": str(event.event_id),
                "message": _removal_message(event, library),
            }
        ],
        user_values={},
    )


async def on_user_referred(uow: UnitOfWork, event: UserReferred) -> None:
    """Red flags: the current plan is paused (DOMAIN.md 1) until a later accepted quiz."""
    user = await store.get_user(uow.session, event.tenant_id, event.user_id)
    if user is None:
        await store.create_user(
            uow.session,
            tenant_id=event.tenant_id,
            user_id=event.user_id,
            plan_id=uuid.uuid4(),
            current_version=0,
            paused_level=event.level,
            paused_at=event.occurred_at,
            updated_at=utc_now(),
        )
        return
    quiz_at: datetime | None = user["quiz_occurred_at"]
    if quiz_at is not None and quiz_at > event.occurred_at:
        log.info("referral_older_than_quiz_ignored", event_id=str(event.event_id))
        return
    await store.update_user(
        uow.session,
        event.tenant_id,
        event.user_id,
        user["current_version"],
        paused_level=event.level,
        paused_at=event.occurred_at,
        updated_at=utc_now(),
    )
    log.info("plan_paused", event_id=str(event.event_id))


async def _decisions(uow: UnitOfWork, tenant_id: str, user_id: str) -> dict[str, RemovalDecision]:
    rows = await store.list_removals(uow.session, tenant_id, user_id)
    return {
        r["exercise_id"]: RemovalDecision(
            exercise_id=r["exercise_id"], rule=r["rule"], severity=r["severity"]
        )
        for r in rows
    }


async def _current_plan(uow: UnitOfWork, tenant_id: str, user: dict[str, Any]) -> Plan | None:
    if not user["current_version"]:
        return None
    row = await store.get_version(uow.session, tenant_id, user["plan_id"], user["current_version"])
    return Plan.model_validate(row["plan"]) if row else None


async def _save_version(
    uow: UnitOfWork,
    library: Library,
    user: dict[str, Any] | None,
    tenant_id: str,
    user_id: str,
    *,
    trigger: PlanTrigger,
    plan: Plan,
    inputs: dict[str, Any],
    reasons: list[dict[str, Any]],
    user_values: dict[str, Any],
) -> None:
    now = utc_now()
    before = await _current_plan(uow, tenant_id, user) if user else None
    changes: PlanChanges = diff_plans(before, plan, library)
    expected = user["current_version"] if user else 0
    version = expected + 1
    plan_id: uuid.UUID = user["plan_id"] if user else uuid.uuid4()
    if user is None:
        await store.create_user(
            uow.session,
            tenant_id=tenant_id,
            user_id=user_id,
            plan_id=plan_id,
            current_version=version,
            updated_at=now,
            **user_values,
        )
    else:
        await store.update_user(
            uow.session,
            tenant_id,
            user_id,
            expected,
            current_version=version,
            updated_at=now,
            **user_values,
        )
    await store.add_version(
        uow.session,
        plan_id=plan_id,
        version=version,
        tenant_id=tenant_id,
        user_id=user_id,
        trigger=trigger,
        inputs={**inputs, "removals": sorted(r.exercise_id for r in plan.removed)},
        plan=plan.model_dump(mode="json"),
        changes=changes.model_dump(mode="json"),
        reasons=reasons,
        created_at=now,
    )
    await uow.emit(
        PlanGenerated(
            tenant_id=tenant_id,
            user_id=user_id,
            occurred_at=now,
            plan_id=plan_id,
            version=version,
            trigger=trigger,
            exercise_ids=plan.exercise_ids,
            removed_exercise_ids=tuple(r.exercise_id for r in plan.removed),
        )
    )
    PLANS_GENERATED.labels(trigger).inc()
    log.info("plan_version_saved", plan_id=str(plan_id), version=version, trigger=trigger)


def _answers_json(answers: QuizAnswers) -> dict[str, Any]:
    return answers.model_dump(mode="json")


def _removal_message(event: ExerciseRemoved, library: Library) -> str:
    ex = library.get(event.exercise_id)
    name = ex.name if ex else event.exercise_id
    if event.rule == "immediate":
        return f"{name} removed at once: burning, shooting or radiating pain during it (rule one)"
    return f"{name} removed: it kept coming before flares ({event.severity})"
