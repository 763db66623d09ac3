"""The one middleware layer every service request passes: its correlation id, its metrics
per route template (never per raw path: user ids would explode the series), the root path
behind the proxy, and no-store on API answers. One layer instead of four (asgi-correlation-
id's, metrics, prefix, no-store): each layer costs every request a call and a wrapped
`send`."""

from __future__ import annotations

import logging
import re
import time
import uuid

from asgi_correlation_id import correlation_id
from asgi_correlation_id.middleware import FAILED_VALIDATION_MESSAGE, is_valid_uuid4
from prometheus_client.metrics import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.observability.metrics import HTTP_DURATION, HTTP_REQUESTS

REQUEST_ID = b"x-request-id"
_FORWARDED_PREFIX = b"x-forwarded-prefix"
_SERVICE_PREFIX = re.compile(r"/services/[a-z_]{1,40}")
_API_PREFIXES = ("/v1/", "/admin/")
_log = logging.getLogger("asgi_correlation_id")


class ServiceMiddleware:
    """- Correlation id, as asgi-correlation-id's middleware did: a valid incoming
      `X-Request-ID` (32 hex digits, a UUID) is kept, otherwise a new one is made and put in
      the request's headers; either way it is set for logs and events
      (`asgi_correlation_id.correlation_id`) and sent back in the response's `X-Request-ID`.
    - Metrics: requests and duration per service, method, route template and status.
    - Behind the proxy a service lives under `/services/<name>` (prefix stripped, sent as
      `X-Forwarded-Prefix`): that is set as root_path so /docs finds its openapi.json. Only
      that shape is trusted; routing is unaffected because the proxy stripped the prefix.
    - `Cache-Control: no-store` on every answer of the API (`/v1/...`, `/admin/...`): each
      carries a tenant's data, most of it health data (answers, red flags, plans, flares) or
      a secret (a new key, an endpoint's signing secret), errors included. A route that sets
      its own Cache-Control keeps it.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        # Labelled children, looked up once per (method, route, status) not per request.
        self._counters: dict[tuple[str, str, int], Counter] = {}
        self._durations: dict[tuple[str, str], Histogram] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = prefix = None
        for name, value in scope["headers"]:
            if name == REQUEST_ID:
                given = value.decode("latin-1")
            elif name == _FORWARDED_PREFIX and prefix is None:
                prefix = value.decode("latin-1")
        if prefix is not None and _SERVICE_PREFIX.fullmatch(prefix):
            scope = {**scope, "root_path": prefix}
        if given and is_valid_uuid4(given):
            request_id = given
        else:
            request_id = uuid.uuid4().hex
            if given:
                _log.warning(FAILED_VALIDATION_MESSAGE, request_id)
            scope["headers"] = [
                *(h for h in scope["headers"] if h[0] != REQUEST_ID),
                (REQUEST_ID, request_id.encode("latin-1")),
            ]
        correlation_id.set(request_id)
        no_store = scope["path"].startswith(_API_PREFIXES)
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers") or ())
                if no_store and not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                if cid := correlation_id.get():
                    headers.append((REQUEST_ID, cid.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            self._observe(scope["method"], route, status, time.perf_counter() - started)

    def _observe(self, method: str, route: str, status: int, seconds: float) -> None:
        counter = self._counters.get((method, route, status))
        if counter is None:
            counter = HTTP_REQUESTS.labels(self.service, method, route, str(status))
            self._counters[method, route, status] = counter
        counter.inc()
        duration = self._durations.get((method, route))
        if duration is None:
            duration = HTTP_DURATION.labels(self.service, method, route)
            self._durations[method, route] = duration
        duration.observe(seconds)
