"""What bounds a request before anything parses it: the body limit (a body declared larger
than `max_body_bytes` is refused at once with a 413, one sent without a length (chunked) as
soon as it grows past the limit) and, before it, the tenant API's key check and rate limits
(`KeyFirstMiddleware`)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.problems import (
    PROBLEM_JSON,
    TYPE_URI,
    ApiError,
    field_error,
    problem_body,
    problem_bytes,
)
from shared.http.ratelimit import PerKeyLimit, rate_limited
from shared.tenancy.replica import KeyReplica


class BodyTooLarge(ApiError):
    """Raised from `receive` while the route reads the body; an HTTPException, so FastAPI's
    body parsing passes it on as it is (a 413 with our problem body, not its 400)."""

    status = 413

    def __init__(self, max_bytes: int) -> None:
        super().__init__(**too_large(max_bytes), headers={"Connection": "close"})


def too_large(max_bytes: int) -> dict[str, Any]:
    return {"detail": f"body: larger than the limit of {max_bytes} bytes", "limit_bytes": max_bytes}


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.answer = problem_bytes(413, **too_large(max_bytes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
                break
        if declared is not None:
            # The server holds the body to its declared length: nothing else to count.
            if not declared.isdigit() or int(declared) > self.max_bytes:
                await self._refuse(send)
                return
            await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        await _answer(send, 413, self.answer, (b"connection", b"close"))


# Where the middlewares leave what they checked for the request (the dependencies read it).
CHECKED_TENANT = "spinefit.tenant_id"
CHECKED_OPERATOR = "spinefit.operator"
_WITH_BODY = ("POST", "PUT", "PATCH")
# The answer to two Authorization headers, here and in the dependencies (shared.http.auth).
TWO_AUTHORIZATIONS: dict[str, Any] = {
    "detail": "header.Authorization: sent more than once; send exactly one",
    "errors": [field_error("header.Authorization", "sent more than once", "duplicate_header")],
}


class KeyFirstMiddleware:
    """The key of every tenant API request (`/v1/...`) is checked here first, against the
    process's in-memory key map, and so are the limits that protect the service from one
    caller; all of it with no I/O and before routing or the body is read:

    - a valid key: its tenant's rate limit (`tenant_limit`, shared by the replicas); within it the
      request goes on with its tenant found, past it a 429 with Retry-After;
    - no valid key: its client address's limit (`unauthorized_limit`), past it a 429;
      within it a request with a body is a 401 (or a 400 for two Authorization headers)
      unread, so a caller without a key cannot make us read and parse a body, and one
      without a body goes on to the route's own 401 or 400.

    A valid key is never refused for what its address did: a shared address (a NAT, a
    proxy) with one misbehaving client must not lock its other tenants out."""

    def __init__(
        self,
        app: ASGIApp,
        replica: KeyReplica,
        tenant_limit: PerKeyLimit,
        unauthorized_limit: PerKeyLimit,
    ) -> None:
        self.app = app
        self.replica = replica
        self.tenant_limit = tenant_limit
        self.unauthorized_limit = unauthorized_limit
        self.unauthorized = problem_bytes(401, "missing, unknown or revoked API key")
        self.twice = problem_bytes(400, **TWO_AUTHORIZATIONS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            given = [v for n, v in scope["headers"] if n == b"authorization"]
            tenant_id = self._tenant(given[0]) if len(given) == 1 else None
            if tenant_id is not None:
                if wait := self.tenant_limit.hit(tenant_id):
                    await _too_many(send, self.tenant_limit, wait)
                    return
                scope[CHECKED_TENANT] = tenant_id
            else:
                client = scope.get("client")
                if wait := self.unauthorized_limit.hit(client[0] if client else ""):
                    await _too_many(send, self.unauthorized_limit, wait)
                    return
                if scope["method"] in _WITH_BODY:
                    if len(given) > 1:
                        await _answer(send, 400, self.twice)
                    else:
                        bearer = (b"www-authenticate", b"Bearer")
                        await _answer(send, 401, self.unauthorized, bearer)
                    return
        await self.app(scope, receive, send)

    def _tenant(self, header: bytes) -> str | None:
        scheme, _, key = header.decode("latin-1").partition(" ")
        return self.replica.tenant_for(key.strip()) if scheme.lower() == "bearer" else None


class OperatorFirstMiddleware:
    """A request with a body to the operator API (`/admin/...`) has its token checked (with
    the lockout of wrong tokens) before its body is read, by `check` (the dependency's own
    check); refused, it is answered at once, and a caller without the token cannot make us
    read and parse a body."""

    def __init__(self, app: ASGIApp, check: Callable[[Scope], Awaitable[None]]) -> None:
        self.app = app
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in _WITH_BODY
            and scope["path"].startswith("/admin/")
        ):
            try:
                await self.check(scope)
            except ApiError as refused:
                body = refused.problem.marshal(uri=TYPE_URI)
                await _problem(send, refused.status_code, body, refused.headers or {})
                return
            scope[CHECKED_OPERATOR] = True
        await self.app(scope, receive, send)


async def _too_many(send: Send, limit: PerKeyLimit, wait_s: float) -> None:
    body, headers = rate_limited(limit.item, wait_s)
    await _problem(send, 429, problem_body(429, **body), headers)


async def _problem(send: Send, status: int, body: Any, headers: Mapping[str, str]) -> None:
    extra = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    await _answer(send, status, json.dumps(body).encode(), *extra)


async def _answer(send: Send, status: int, body: bytes, *extra: tuple[bytes, bytes]) -> None:
    """A small JSON problem answer sent straight from a middleware, never cached."""
    headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
