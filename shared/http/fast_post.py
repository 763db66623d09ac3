"""A fast lane for the hottest POSTs (ingest): the route's own endpoint, called straight from
ASGI with its parameters found here instead of by FastAPI's router and dependency solver.

Routing, dependency solving, `Request` objects per dependency and the exception layers cost
an ingest request about as much CPU as storing it. A request takes the lane only when it is
the plain case: a POST to the lane's path (its own id pattern), one Authorization header with
a key the process's replica holds (found by the key check in front), at most one
Idempotency-Key, a JSON content type and a body that the route's model accepts. Anything
else (a missing or second header, a body the model refuses, a path the pattern does not
match) goes to the FastAPI app unchanged, with the body already read handed on, so every
refusal is the route's own answer, word for word.

The endpoint is the route's: the same checks, the same unit of work, the same answer. Its
HTTP errors (a reused id, a future time) are answered by the app's own exception handlers.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import structlog
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette._utils import get_route_path
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http import strict_json
from shared.http.limits import CHECKED_TENANT

# (user_id, report, tenant_id, request, idempotency_key) -> the answer.
Endpoint = Callable[..., Awaitable[Response]]

_IDEMPOTENCY_KEY = b"idempotency-key"
_CONTENT_TYPE = b"content-type"
_JSON = b"application/json"


@dataclass(frozen=True)
class FastPost:
    """One route's lane: `path` (a regex whose `user_id` group is the route's path parameter,
    with the same pattern as the route), the body's model, and the route's endpoint."""

    path: re.Pattern[str]
    model: type[BaseModel]
    endpoint: Endpoint
    # The route's template (`/v1/users/{user_id}/pain`): its metrics label, as on the router.
    template: str

    @cached_property
    def route(self) -> RouteTemplate:
        return RouteTemplate(self.template)


@dataclass(frozen=True)
class RouteTemplate:
    """What the request's `scope["route"]` is read for (`ServiceMiddleware`'s metrics): the
    route's path template, where the router would have put the route itself."""

    path: str


class FastPostMiddleware:
    def __init__(self, app: ASGIApp, lanes: Sequence[FastPost]) -> None:
        self.app = app
        self.lanes = tuple(lanes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        path = get_route_path(scope)
        for lane in self.lanes:
            if (found := lane.path.fullmatch(path)) is not None:
                await self._lane(lane, found["user_id"], scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _lane(
        self, lane: FastPost, user_id: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        tenant_id, idempotency_key = self._plain(scope)
        if tenant_id is None:
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        try:
            # Parsed as the route parses it (a key twice in an object refused), then
            # validated as the route validates the parsed body.
            report = lane.model.model_validate(strict_json.loads(body))
        except (ValidationError, ValueError, RecursionError, strict_json.DuplicateKey):
            # The route's own 422 (or 400), from the same bytes (a document nested past
            # the decoder's depth raises RecursionError: its 400 too).
            await self.app(scope, _replay(body, receive), send)
            return
        scope["route"] = lane.route  # as the router sets it: the metrics label
        request = Request(scope, receive)
        structlog.contextvars.bind_contextvars(tenant_id=tenant_id)
        try:
            response = await lane.endpoint(
                user_id=user_id,
                report=report,
                tenant_id=tenant_id,
                request=request,
                idempotency_key=idempotency_key,
            )
        except (HTTPException, RequestValidationError) as exc:
            response = await _handled(request, exc)
        await response(scope, receive, send)

    def _plain(self, scope: Scope) -> tuple[str | None, str | None]:
        """(tenant, Idempotency-Key) when the request is the plain case, else (None, None).
        The key was checked in front of this layer (`KeyFirstMiddleware`, which leaves the
        tenant of one valid Authorization header in the scope): it is not checked again."""
        tenant_id = scope.get(CHECKED_TENANT)
        if tenant_id is None:
            return None, None
        keys: list[bytes] = []
        content_type = None
        for name, value in scope["headers"]:
            if name == _IDEMPOTENCY_KEY:
                keys.append(value)
            elif name == _CONTENT_TYPE:
                content_type = value
        if len(keys) > 1 or content_type != _JSON:
            return None, None
        return tenant_id, keys[0].decode("latin-1") if keys else None


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # disconnected: the empty or partial body is refused by validation
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` that gives `body` once more, then the connection's own messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _handled(request: Request, exc: Exception) -> Response:
    """The app's own handler for `exc` (as its exception layer would find it)."""
    handlers: dict[Any, Any] = request.app.exception_handlers
    for kind in type(exc).__mro__:
        if kind in handlers:
            response: Response = await handlers[kind](request, exc)
            return response
    raise exc
