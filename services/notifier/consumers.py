"""The notifier's subscribers: every public event becomes deliveries to its tenant's
endpoints, recorded in the event's own unit of work (so recorded exactly when acknowledged).
"""

from __future__ import annotations

from services.notifier import service
from services.notifier.settings import NotifierSettings
from shared.db.uow import UnitOfWork
from shared.events import CATALOGUE, PUBLIC_EVENT_TYPES
from shared.events.base import Event
from shared.messaging.bus import EventBus


def subscribe_public_events(bus: EventBus, settings: NotifierSettings) -> None:
    async def record(event: Event, uow: UnitOfWork) -> None:
        await service.record_deliveries(uow, event, settings.public_base_url)

    for event_type in PUBLIC_EVENT_TYPES:
        bus.subscribe(CATALOGUE[event_type], record)
