"""The flare detector's subscriptions: sessions, pain logs and quizzes, one batch handler.

Rule-one reports (sessions and pain logs naming burning, shooting or radiating pain or a
location) also arrive on the priority lane, read by a reader of their own so they never wait
behind a backlog; the copy carries the same event_id, so whichever comes second is a
duplicate the bus's idempotency claim drops."""

from __future__ import annotations

from collections.abc import Sequence

from services.flare_detector import service
from services.flare_detector.domain.rules import Rules
from shared.db.uow import UnitOfWork
from shared.events.painlog import PainLogged, SessionDone
from shared.events.quiz import QuizCompleted
from shared.events.streams import PRIORITY_LANE
from shared.messaging.bus import EventBus


def subscriber(rules: Rules) -> object:
    def subscribe(bus: EventBus) -> None:
        async def handle(events: Sequence[service.Consumed], uow: UnitOfWork) -> None:
            await service.apply_events(uow, events, rules)

        for event_cls in (SessionDone, PainLogged, QuizCompleted):
            bus.subscribe(event_cls, handle)
        for event_cls in (SessionDone, PainLogged):
            bus.subscribe(event_cls, handle, lane=PRIORITY_LANE)

    return subscribe
