"""Structured logs (structlog) that carry the correlation id. Log ids, never health details."""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from asgi_correlation_id import correlation_id as http_correlation_id

from shared.observability.context import _event_correlation_id


def _add_correlation_id(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    cid = _event_correlation_id.get() or http_correlation_id.get()
    if cid:
        event_dict.setdefault("correlation_id", cid)
    return event_dict


class StripQueryStrings(logging.Filter):
    """uvicorn's access lines without the query string: a client that sends a key or a
    token as `?api_key=...` must not have it written to the logs in clear. The args of an
    access line are (client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            path, sep, _query = args[2].partition("?")
            if sep:
                record.args = (args[0], args[1], f"{path}?[redacted]", args[3], args[4])
        return True


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _add_correlation_id,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    # Libraries (uvicorn, faststream) log through stdlib: same destination and level.
    logging.basicConfig(stream=sys.stderr, level=level.upper(), format="%(name)s %(message)s")
    # FastStream logs through "spinefit.broker" (shared.messaging.bus): its per-message access
    # lines are ids only but noisy; warnings and handler errors still show.
    # httpx and httpcore log every request with its full URL at INFO: a webhook URL's query
    # may carry the tenant's credentials. Warnings only.
    for name in ("spinefit.broker", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, StripQueryStrings) for f in access.filters):
        access.addFilter(StripQueryStrings())


def get_logger(name: str) -> Any:
    """A structlog logger. Where nothing configured logging yet, this installs ours first:
    structlog's own default renders tracebacks with their local variables, which would put
    events (pain levels, answers) into the log."""
    if not structlog.is_configured():
        configure_logging("spinefit", json=False)
    return structlog.get_logger(name)
