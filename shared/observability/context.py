"""Request-scoped context that crosses from HTTP into events and back into logs.

The correlation id is set by the HTTP middleware (asgi-correlation-id) or, in a consumer,
from the event being handled, so every event emitted in reaction carries the same id.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar

from asgi_correlation_id import correlation_id as _http_correlation_id

_event_correlation_id: ContextVar[str | None] = ContextVar("event_correlation_id", default=None)


def current_correlation_id() -> str:
    """The id of the chain this code runs in; a new one when there is none."""
    return _event_correlation_id.get() or _http_correlation_id.get() or uuid.uuid4().hex


def bind_correlation_id(value: str | None) -> object:
    """Bind the id for the rest of this task; returns a token for `reset_correlation_id`."""
    return _event_correlation_id.set(value)


def reset_correlation_id(token: object) -> None:
    _event_correlation_id.reset(token)  # type: ignore[arg-type]
