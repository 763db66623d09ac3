"""A consumed batch of the planner: the users it touches, read once (one query per table),
and everything it writes, with one statement per table, so versions, user rows and their
`plan-generated` events are committed together or not at all."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from services.planner import store
from services.planner.domain.plan import Plan
from services.planner.domain.removals import RemovalDecision
from services.planner.domain.versions import NextVersion, PlanState
from services.planner.store import RemovalRecord, UserKey, UserRecord, VersionRecord
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.flares import ExerciseRemoved
from shared.events.plans import PlanGenerated, PlanTrigger
from shared.events.quiz_answers import QuizAnswers
from shared.observability.logging import get_logger
from shared.observability.metrics import PLANS_GENERATED

log = get_logger(__name__)


@dataclass
class PlanUser:
    """One user's planner state while a batch is applied: read once, written once."""

    key: UserKey
    row: UserRecord | None  # as it will be written; None: no row yet
    stored: bool  # whether the row exists in the database
    removals: dict[str, RemovalDecision]
    current: Plan | None
    changed: bool = False

    def state(self) -> PlanState:
        row = self.row
        has_plan = row is not None and row.current_version > 0 and row.answers is not None
        stored_answers = row.answers if row is not None else None
        return PlanState(
            removals=self.removals,
            current=self.current,
            quiz_at=row.quiz_occurred_at if row else None,
            paused=row is not None and row.paused_at is not None,
            answers=(lambda: QuizAnswers.model_validate(stored_answers)) if has_plan else None,
        )

    def write(self, row: UserRecord) -> None:
        self.row = row
        self.changed = True

    def existing(self) -> UserRecord:
        """The row, or a new one (a plan id, no version yet)."""
        if self.row is not None:
            return self.row
        tenant_id, user_id = self.key
        return UserRecord(
            tenant_id=tenant_id,
            user_id=user_id,
            plan_id=uuid.uuid4(),
            current_version=0,
            answers=None,
            response_id=None,
            quiz_occurred_at=None,
            paused_level=None,
            paused_at=None,
            updated_at=utc_now(),
        )


@dataclass
class PlannerBatch:
    """The users a batch touches, loaded in one query per table, and what it writes."""

    users: dict[UserKey, PlanUser]
    versions: list[VersionRecord] = field(default_factory=list)
    removals: dict[tuple[str, str, str], RemovalRecord] = field(default_factory=dict)
    events: list[PlanGenerated] = field(default_factory=list)

    @classmethod
    async def load(cls, uow: UnitOfWork, keys: Iterable[UserKey]) -> PlannerBatch:
        wanted = sorted(set(keys))
        rows = await store.lock_users(uow.session, wanted)
        removals = await store.removals_of(uow.session, wanted)
        current = await store.versions_of(
            uow.session,
            [(t, r.plan_id, r.current_version) for (t, _), r in rows.items() if r.current_version],
        )
        users = {}
        for key in wanted:
            row = rows.get(key)
            version = current.get((row.plan_id, row.current_version)) if row else None
            users[key] = PlanUser(
                key=key,
                row=row,
                stored=row is not None,
                removals={
                    r.exercise_id: RemovalDecision(
                        exercise_id=r.exercise_id, rule=r.rule, severity=r.severity
                    )
                    for r in removals[key]
                },
                current=Plan.model_validate(version.plan) if version else None,
            )
        return cls(users)

    async def save(self, uow: UnitOfWork) -> None:
        changed = [(u.row, u.stored) for u in self.users.values() if u.changed and u.row]
        await store.insert_users(uow.session, [row for row, stored in changed if not stored])
        await store.update_users(uow.session, [row for row, stored in changed if stored])
        await store.save_removals(uow.session, list(self.removals.values()))
        await store.add_versions(uow.session, self.versions)
        await uow.emit(*self.events)

    def keep_removal(self, user: PlanUser, event: ExerciseRemoved, kept: RemovalDecision) -> None:
        """The removal is kept for every later plan of this user."""
        user.removals[kept.exercise_id] = kept
        tenant_id, user_id = user.key
        self.removals[(tenant_id, user_id, kept.exercise_id)] = RemovalRecord(
            tenant_id=tenant_id,
            user_id=user_id,
            exercise_id=kept.exercise_id,
            rule=kept.rule,
            severity=kept.severity,
            evidence=event.evidence.model_dump(mode="json"),
            event_id=event.event_id,
            decided_at=event.decided_at,
            recorded_at=utc_now(),
        )

    def add_version(
        self,
        user: PlanUser,
        trigger: PlanTrigger,
        decided: NextVersion,
        inputs: dict[str, Any],
        **user_values: Any,
    ) -> None:
        """The user's next version, its `plan-generated` event and the user row after it."""
        tenant_id, user_id = user.key
        now = utc_now()
        plan = decided.plan
        row = user.existing()
        version = row.current_version + 1
        user.write(dataclasses.replace(row, **user_values, current_version=version, updated_at=now))
        user.current = plan
        self.versions.append(
            VersionRecord(
                plan_id=row.plan_id,
                version=version,
                tenant_id=tenant_id,
                user_id=user_id,
                trigger=trigger,
                inputs={**inputs, "removals": sorted(r.exercise_id for r in plan.removed)},
                plan=plan.model_dump(mode="json"),
                changes=decided.changes.model_dump(mode="json"),
                reasons=[decided.reason.model_dump(mode="json")],
                created_at=now,
            )
        )
        self.events.append(
            PlanGenerated(
                tenant_id=tenant_id,
                user_id=user_id,
                occurred_at=now,
                plan_id=row.plan_id,
                version=version,
                trigger=trigger,
                exercise_ids=plan.exercise_ids,
                removed_exercise_ids=tuple(r.exercise_id for r in plan.removed),
            )
        )
        PLANS_GENERATED.labels(trigger).inc()
        log.info("plan_version_saved", plan_id=str(row.plan_id), version=version, trigger=trigger)
