"""Use cases of the planner: load, decide (pure domain), save a version, emit.

Each takes a consumed batch inside its unit of work: the users it touches are read once (one
query per table), the events applied to them in order in memory, and everything written with
one statement per table, so versions, user rows and their `plan-generated` events are
committed together or not at all. Logs carry ids only: answers,
pain and evidence stay out of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.planner import store
from services.planner.domain.diff import PlanChanges, diff_plans
from services.planner.domain.generator import generate_plan
from services.planner.domain.library import Library
from services.planner.domain.plan import Plan
from services.planner.domain.removals import RemovalDecision, merge_removal
from services.planner.store import UserKey
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.flares import ExerciseRemoved
from shared.events.plans import PlanGenerated, PlanTrigger
from shared.events.quiz import QuizCompleted, UserReferred
from shared.events.quiz_answers import QuizAnswers
from shared.observability.logging import get_logger
from shared.observability.metrics import PLANNER_REMOVALS, PLANS_GENERATED

log = get_logger(__name__)


@dataclass
class PlanUser:
    """One user's planner state while a batch is applied: read once, written once."""

    row: dict[str, Any] | None  # as it will be written; None: no row yet
    stored: bool  # whether the row exists in the database
    removals: dict[str, RemovalDecision]
    current: Plan | None
    changed: bool = False


@dataclass
class PlannerBatch:
    """The users a batch touches, loaded in one query per table, and what it writes."""

    users: dict[UserKey, PlanUser]
    versions: list[dict[str, Any]] = field(default_factory=list)
    removals: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    events: list[PlanGenerated] = field(default_factory=list)

    @classmethod
    async def load(cls, uow: UnitOfWork, keys: Iterable[UserKey]) -> PlannerBatch:
        wanted = sorted(set(keys))
        rows = await store.lock_users(uow.session, wanted)
        removals = await store.removals_of(uow.session, wanted)
        current = await store.versions_of(
            uow.session,
            [
                (t, r["plan_id"], r["current_version"])
                for (t, _), r in rows.items()
                if r["current_version"]
            ],
        )
        users = {}
        for key in wanted:
            row = rows.get(key)
            plan = current.get((row["plan_id"], row["current_version"])) if row else None
            users[key] = PlanUser(
                row=row,
                stored=row is not None,
                removals={
                    r["exercise_id"]: RemovalDecision(
                        exercise_id=r["exercise_id"], rule=r["rule"], severity=r["severity"]
                    )
                    for r in removals[key]
                },
                current=Plan.model_validate(plan["plan"]) if plan else None,
            )
        return cls(users)

    async def save(self, uow: UnitOfWork) -> None:
        changed = [(u.row, u.stored) for u in self.users.values() if u.changed and u.row]
        await store.insert_users(uow.session, [row for row, stored in changed if not stored])
        await store.update_users(uow.session, [row for row, stored in changed if stored])
        await store.save_removals(uow.session, list(self.removals.values()))
        await store.add_versions(uow.session, self.versions)
        await uow.emit(*self.events)


async def on_quizzes_completed(
    uow: UnitOfWork, library: Library, events: Sequence[QuizCompleted]
) -> None:
    batch = await PlannerBatch.load(uow, (_key(e) for e in events))
    for event in events:
        _quiz_completed(batch, library, event)
    await batch.save(uow)


async def on_exercises_removed(
    uow: UnitOfWork, library: Library, events: Sequence[ExerciseRemoved]
) -> None:
    batch = await PlannerBatch.load(uow, (_key(e) for e in events))
    for event in events:
        _exercise_removed(batch, library, event)
    await batch.save(uow)


async def on_users_referred(uow: UnitOfWork, events: Sequence[UserReferred]) -> None:
    batch = await PlannerBatch.load(uow, (_key(e) for e in events))
    for event in events:
        _user_referred(batch, event)
    await batch.save(uow)


def _key(event: QuizCompleted | ExerciseRemoved | UserReferred) -> UserKey:
    assert event.user_id is not None
    return (event.tenant_id, event.user_id)


def _quiz_completed(batch: PlannerBatch, library: Library, event: QuizCompleted) -> None:
    """A new quiz always starts a new version, unless a later quiz was already applied."""
    user = batch.users[_key(event)]
    row = user.row
    if row and row["quiz_occurred_at"] and event.occurred_at < row["quiz_occurred_at"]:
        log.info("quiz_older_than_applied_ignored", event_id=str(event.event_id))
        return
    plan = generate_plan(event.answers, user.removals.values(), library)
    paused = bool(row and row["paused_at"] and row["paused_at"] > event.occurred_at)
    _save_version(
        batch,
        library,
        user,
        event,
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
            "paused_level": row["paused_level"] if paused and row else None,
            "paused_at": row["paused_at"] if paused and row else None,
        },
    )


def _exercise_removed(batch: PlannerBatch, library: Library, event: ExerciseRemoved) -> None:
    """Keep the removal for good; make a new version only if the current plan changes."""
    ids = {"event_id": str(event.event_id), "exercise_id": event.exercise_id}
    if library.get(event.exercise_id) is None:
        PLANNER_REMOVALS.labels("unknown_exercise").inc()
        log.warning("removal_of_unknown_exercise_ignored", **ids)
        return
    user = batch.users[_key(event)]
    decision = RemovalDecision(
        exercise_id=event.exercise_id, rule=event.rule, severity=event.severity
    )
    merged = merge_removal(user.removals, decision)
    if merged is None:
        PLANNER_REMOVALS.labels("duplicate").inc()
        log.info("removal_already_applied", **ids)
        return
    user.removals[merged.exercise_id] = merged
    batch.removals[(event.tenant_id, event.user_id, merged.exercise_id)] = {
        "tenant_id": event.tenant_id,
        "user_id": event.user_id,
        "exercise_id": merged.exercise_id,
        "rule": merged.rule,
        "severity": merged.severity,
        "evidence": event.evidence.model_dump(mode="json"),
        "event_id": event.event_id,
        "decided_at": event.decided_at,
        "recorded_at": utc_now(),
    }
    row = user.row
    if row is None or row["current_version"] == 0 or row["answers"] is None:
        PLANNER_REMOVALS.labels("no_plan").inc()
        log.info("removal_kept_for_user_without_plan", **ids)
        return
    if row["paused_at"] is not None:
        PLANNER_REMOVALS.labels("plan_paused").inc()
        log.info("removal_kept_plan_paused", **ids)
        return
    answers = QuizAnswers.model_validate(row["answers"])
    plan = generate_plan(answers, user.removals.values(), library)
    before = user.current
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
    _save_version(
        batch,
        library,
        user,
        event,
        trigger="removal",
        plan=plan,
        inputs={
            "response_id": str(row["response_id"]) if row["response_id"] else None,
            "answers": row["answers"],
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


def _user_referred(batch: PlannerBatch, event: UserReferred) -> None:
    """Red flags: the current plan is paused (DOMAIN.md 1) until a later accepted quiz."""
    user = batch.users[_key(event)]
    row = user.row
    if row is None:
        row = _new_row(*_key(event))
    else:
        quiz_at: datetime | None = row["quiz_occurred_at"]
        if quiz_at is not None and quiz_at > event.occurred_at:
            log.info("referral_older_than_quiz_ignored", event_id=str(event.event_id))
            return
        log.info("plan_paused", event_id=str(event.event_id))
    user.row = {
        **row,
        "paused_level": event.level,
        "paused_at": event.occurred_at,
        "updated_at": utc_now(),
    }
    user.changed = True


def _new_row(tenant_id: str, user_id: str) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "plan_id": uuid.uuid4(),
        "current_version": 0,
        "answers": None,
        "response_id": None,
        "quiz_occurred_at": None,
        "paused_level": None,
        "paused_at": None,
        "updated_at": utc_now(),
    }


def _save_version(
    batch: PlannerBatch,
    library: Library,
    user: PlanUser,
    event: QuizCompleted | ExerciseRemoved,
    *,
    trigger: PlanTrigger,
    plan: Plan,
    inputs: dict[str, Any],
    reasons: list[dict[str, Any]],
    user_values: dict[str, Any],
) -> None:
    tenant_id, user_id = _key(event)
    now = utc_now()
    changes: PlanChanges = diff_plans(user.current, plan, library)
    row = user.row or _new_row(tenant_id, user_id)
    version = row["current_version"] + 1
    plan_id: uuid.UUID = row["plan_id"]
    user.row = {**row, **user_values, "current_version": version, "updated_at": now}
    user.current = plan
    user.changed = True
    batch.versions.append(
        {
            "plan_id": plan_id,
            "version": version,
            "tenant_id": tenant_id,
            "user_id": user_id,
            "trigger": trigger,
            "inputs": {**inputs, "removals": sorted(r.exercise_id for r in plan.removed)},
            "plan": plan.model_dump(mode="json"),
            "changes": changes.model_dump(mode="json"),
            "reasons": reasons,
            "created_at": now,
        }
    )
    batch.events.append(
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
