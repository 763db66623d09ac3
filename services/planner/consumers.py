"""Subscribers of the planner: thin, each calls one use case with the batch it was given."""

from __future__ import annotations

from collections.abc import Sequence

from services.planner import service
from services.planner.domain.library import Library
from shared.db.uow import UnitOfWork
from shared.events.flares import ExerciseRemoved
from shared.events.quiz import QuizCompleted, UserReferred
from shared.events.streams import PRIORITY_LANE
from shared.messaging.bus import EventBus


def subscribe(bus: EventBus, library: Library) -> None:
    async def quizzes_completed(events: Sequence[QuizCompleted], uow: UnitOfWork) -> None:
        await service.on_quizzes_completed(uow, library, events)

    async def exercises_removed(events: Sequence[ExerciseRemoved], uow: UnitOfWork) -> None:
        await service.on_exercises_removed(uow, library, events)

    async def users_referred(events: Sequence[UserReferred], uow: UnitOfWork) -> None:
        await service.on_users_referred(uow, events)

    bus.subscribe(QuizCompleted, quizzes_completed)
    bus.subscribe(ExerciseRemoved, exercises_removed)
    # Rule-one removals also come on their own lane, ahead of any backlog of delayed ones.
    bus.subscribe(ExerciseRemoved, exercises_removed, lane=PRIORITY_LANE)
    bus.subscribe(UserReferred, users_referred)
