"""Use cases of the planner: load, decide (pure domain), save a version, emit; and the reads
behind the routes.

Each event use case takes a consumed batch inside its unit of work (`batch.PlannerBatch`):
the users it touches are read once, the events applied to them in order in memory, and
everything written with one statement per table. Logs carry ids only: answers, pain and
evidence stay out of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from services.planner import store, views
from services.planner.batch import PlannerBatch
from services.planner.domain.library import Library
from services.planner.domain.versions import Unchanged, after_quiz, after_removal
from services.planner.store import UserKey
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.flares import ExerciseRemoved
from shared.events.quiz import QuizCompleted, UserReferred
from shared.http.pagination import Page, decode_cursor, page_of
from shared.http.problems import NotFound
from shared.observability.logging import get_logger
from shared.observability.metrics import PLANNER_REMOVALS

log = get_logger(__name__)


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
    user = batch.users[_key(event)]
    decided = after_quiz(user.state(), event, library)
    if isinstance(decided, Unchanged):
        log.info("quiz_older_than_applied_ignored", event_id=str(event.event_id))
        return
    row = user.row
    # A referral after this quiz's time keeps the plan paused (DOMAIN.md 1).
    paused = row is not None and row.paused_at is not None and row.paused_at > event.occurred_at
    answers = event.answers.model_dump(mode="json")
    batch.add_version(
        user,
        "quiz",
        decided,
        inputs={"response_id": str(event.response_id), "answers": answers},
        answers=answers,
        response_id=event.response_id,
        quiz_occurred_at=event.occurred_at,
        paused_level=row.paused_level if paused and row else None,
        paused_at=row.paused_at if paused and row else None,
    )


_REMOVAL_LOGS = {
    "unknown_exercise": "removal_of_unknown_exercise_ignored",
    "duplicate": "removal_already_applied",
    "no_plan": "removal_kept_for_user_without_plan",
    "plan_paused": "removal_kept_plan_paused",
    "not_in_plan": "removal_changes_nothing_in_plan",
}


def _exercise_removed(batch: PlannerBatch, library: Library, event: ExerciseRemoved) -> None:
    user = batch.users[_key(event)]
    decided = after_removal(user.state(), event, library)
    if decided.kept is not None:
        batch.keep_removal(user, event, decided.kept)
    outcome = decided.next
    ids = {"event_id": str(event.event_id), "exercise_id": event.exercise_id}
    if isinstance(outcome, Unchanged):
        PLANNER_REMOVALS.labels(outcome.why).inc()
        report = log.warning if outcome.why == "unknown_exercise" else log.info
        report(_REMOVAL_LOGS[outcome.why], **ids)
        return
    PLANNER_REMOVALS.labels("applied").inc()
    row = user.existing()
    inputs = {
        "response_id": str(row.response_id) if row.response_id else None,
        "answers": row.answers,
    }
    batch.add_version(user, "removal", outcome, inputs)


def _user_referred(batch: PlannerBatch, event: UserReferred) -> None:
    """Red flags: the current plan is paused (DOMAIN.md 1) until a later accepted quiz."""
    user = batch.users[_key(event)]
    row = user.row
    if row is not None:
        if row.quiz_occurred_at is not None and row.quiz_occurred_at > event.occurred_at:
            log.info("referral_older_than_quiz_ignored", event_id=str(event.event_id))
            return
        log.info("plan_paused", event_id=str(event.event_id))
    user.write(
        dataclasses.replace(
            user.existing(),
            paused_level=event.level,
            paused_at=event.occurred_at,
            updated_at=utc_now(),
        )
    )


# --- reads ---


def _no_plan() -> NotFound:
    return NotFound("no plan for this user")


async def get_plan(
    session: AsyncSession, library: Library, tenant_id: str, user_id: str
) -> views.PlanView:
    user = await store.get_user(session, tenant_id, user_id)
    if user is None or not user.current_version:
        raise _no_plan()
    version = await store.get_version(session, tenant_id, user.plan_id, user.current_version)
    if version is None:
        raise _no_plan()
    removals = await store.list_removals(session, tenant_id, user_id)
    return views.plan_view(user, version, removals, library)


async def list_plan_versions(
    session: AsyncSession, tenant_id: str, user_id: str, limit: int, cursor: str | None
) -> Page[views.VersionView]:
    """The user's versions, oldest first; a 404 while the user has none."""
    scope = f"plan-versions:{user_id}"
    after = decode_cursor(cursor, scope, tenant_id, (int,))
    rows = await store.page_of_versions(
        session, tenant_id, user_id, None if after is None else after[0], limit
    )
    if not rows and after is None:
        raise _no_plan()
    return page_of(
        [views.version_view(r) for r in rows], limit, scope, tenant_id, lambda v: (v.version,)
    )


def list_exercises(library: Library) -> views.ExerciseLibrary:
    return views.ExerciseLibrary(version=library.version, exercises=list(library.exercises))


def get_exercise(library: Library, exercise_id: str) -> views.Exercise:
    exercise = library.get(exercise_id)
    if exercise is None:
        raise NotFound("no such exercise")
    return exercise
