"""The notifier's subscribers: every public event becomes deliveries to its tenant's
endpoints, recorded in the consumed batch's own unit of work (so recorded exactly when
acknowledged), and the delivery worker is woken once that batch has committed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from services.notifier import service
from services.notifier.settings import NotifierSettings
from shared.db.uow import UnitOfWork
from shared.events import CATALOGUE, PUBLIC_EVENT_TYPES
from shared.events.base import Event
from shared.messaging.bus import EventBus


def subscribe_public_events(
    bus: EventBus, settings: NotifierSettings, wake_sender: Callable[[], None] | None = None
) -> None:
    async def record(events: Sequence[Event], uow: UnitOfWork) -> None:
        recorded = await service.deliveries.record(uow, events, settings.public_base_url)
        if recorded and wake_sender is not None:
            # After the commit, never before: a worker woken earlier would find nothing.
            uow.after_commit.append(wake_sender)

    for event_type in PUBLIC_EVENT_TYPES:
        bus.subscribe(CATALOGUE[event_type], record)
