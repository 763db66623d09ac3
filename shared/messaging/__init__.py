"""Messaging on Redis Streams: the transactional outbox relay and the subscribe helper."""

from shared.messaging.bus import EventBus
from shared.messaging.consumer import Handler

__all__ = ["EventBus", "Handler"]
