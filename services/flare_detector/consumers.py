"""The flare detector's subscriptions: sessions, pain logs and quizzes, one handler."""

from __future__ import annotations

from services.flare_detector import service
from services.flare_detector.domain.rules import Rules
from shared.db.uow import UnitOfWork
from shared.events.painlog import PainLogged, SessionDone
from shared.events.quiz import QuizCompleted
from shared.messaging.bus import EventBus


def subscriber(rules: Rules) -> object:
    def subscribe(bus: EventBus) -> None:
        async def handle(event: service.Consumed, uow: UnitOfWork) -> None:
            await service.apply_event(uow, event, rules)

        # One at a time (not batches): each event locks its user's history on its own.
        for event_cls in (SessionDone, PainLogged, QuizCompleted):
            bus.subscribe(event_cls, handle)

    return subscribe
