"""The request body limit, enforced before anything parses the body (and before the key is
checked): a body declared larger than `max_body_bytes` is refused at once with a 413, one
sent without a length (chunked) as soon as it grows past the limit."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.tenancy.replica import KeyReplica


class BodyTooLarge(HTTPException):
    """Raised from `receive` while the route reads the body; an HTTPException, so FastAPI's
    body parsing passes it on as it is (a 413 with our problem body, not its 400)."""

    def __init__(self, detail: dict[str, Any]) -> None:
        super().__init__(413, detail=detail, headers={"Connection": "close"})


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.problem = {
            "error": "payload_too_large",
            "message": f"body: larger than the limit of {max_bytes} bytes",
            "limit_bytes": max_bytes,
        }
        self.answer = json.dumps(self.problem).encode()

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
                    raise BodyTooLarge(self.problem)
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


class KeyFirstMiddleware:
    """A request that carries a body to the tenant API (`POST`/`PUT`/`PATCH /v1/...`) with
    no valid key is answered 401 before its body is read, checked against the process's
    in-memory key map (no I/O): a caller without a key cannot make us read and parse a
    body. A request with two Authorization headers goes on, for the route's 400."""

    def __init__(self, app: ASGIApp, replica: KeyReplica) -> None:
        self.app = app
        self.replica = replica
        self.answer = json.dumps(
            {"error": "unauthorized", "message": "missing, unknown or revoked API key"}
        ).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("POST", "PUT", "PATCH")
            and scope["path"].startswith("/v1/")
        ):
            given = [v for n, v in scope["headers"] if n == b"authorization"]
            if len(given) <= 1 and not self._valid(given[0] if given else b""):
                await _answer(send, 401, self.answer, (b"www-authenticate", b"Bearer"))
                return
        await self.app(scope, receive, send)

    def _valid(self, header: bytes) -> bool:
        scheme, _, key = header.decode("latin-1").partition(" ")
        return scheme.lower() == "bearer" and self.replica.tenant_for(key.strip()) is not None


async def _answer(send: Send, status: int, body: bytes, header: tuple[bytes, bytes]) -> None:
    """A small JSON problem answer sent straight from a middleware, never cached."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        header,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
