"""HTTP metrics per route template (never per raw path: user ids would explode the series)."""

from __future__ import annotations

import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.observability.metrics import HTTP_DURATION, HTTP_REQUESTS


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()
            HTTP_DURATION.labels(self.service, method, route).observe(time.perf_counter() - started)


class ForwardedPrefixMiddleware:
    """Behind the proxy a service lives under `/services/<name>` (prefix stripped, sent as
    `X-Forwarded-Prefix`): set it as root_path so /docs finds its openapi.json. Only that
    shape is trusted; routing is unaffected because the proxy already stripped the prefix."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"x-forwarded-prefix":
                    prefix = value.decode("latin-1")
                    if _SERVICE_PREFIX.fullmatch(prefix):
                        scope = {**scope, "root_path": prefix}
                    break
        await self.app(scope, receive, send)


_SERVICE_PREFIX = re.compile(r"/services/[a-z_]{1,40}")


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer of the API (`/v1/...`, `/admin/...`): each
    carries a tenant's data, most of it health data (answers, red flags, plans, flares) or a
    secret (a new key, an endpoint's signing secret), errors included. A route that sets its
    own Cache-Control keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(_API_PREFIXES):
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers") or []
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message["headers"] = [*headers, (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, receive, send_wrapper)


_API_PREFIXES = ("/v1/", "/admin/")
