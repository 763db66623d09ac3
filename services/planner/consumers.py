"""Subscribers of the planner: thin, each calls one use case inside the event's unit of work."""

from __future__ import annotations

from services.planner import service
from services.planner.domain.library import Library
from shared.db.uow import UnitOfWork
from shared.events.flares import ExerciseRemoved
from shared.events.quiz import QuizCompleted, UserReferred
from shared.messaging.bus import EventBus


def subscribe(bus: EventBus, library: Library) -> None:
    async def quiz_completed(event: QuizCompleted, uow: UnitOfWork) -> None:
        await service.on_quiz_completed(uow, library, event)

    async def exercise_removed(event: ExerciseRemoved, uow: UnitOfWork) -> None:
        await service.on_exercise_removed(uow, library, event)

    async def user_referred(event: UserReferred, uow: UnitOfWork) -> None:
        await service.on_user_referred(uow, event)

    bus.subscribe(QuizCompleted, quiz_completed)
    bus.subscribe(ExerciseRemoved, exercise_removed)
    bus.subscribe(UserReferred, user_referred)
