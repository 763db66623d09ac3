"""What the painlog service consumes: the flare detector's verdicts, shown on the timeline."""

from __future__ import annotations

from services.painlog import service
from shared.events.flares import ExerciseRemoved, FlareDetected
from shared.messaging.bus import EventBus


def subscribe(bus: EventBus) -> None:
    bus.subscribe(FlareDetected, service.keep_flares)
    bus.subscribe(ExerciseRemoved, service.keep_removals)
