"""Tiny stand-ins for the services, to test the local launcher before (and apart from) them.

Each answers every path with its own name, the path it received and what the launcher gave
it, and is ready a moment after it starts (so the launcher really has to wait).
Run as `uvicorn tests.e2e.fake_services:quiz`, etc.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

READY_AFTER_S = 0.5
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]] | None


def make_app(name: str, ready_after_s: float = READY_AFTER_S, lifespan: Lifespan = None) -> FastAPI:
    started = time.monotonic()
    app = FastAPI(title=f"fake {name}", lifespan=lifespan)

    @app.get("/readyz")
    async def readyz() -> Response:
        ready = time.monotonic() - started >= ready_after_s
        return JSONResponse({"service": name, "ready": ready}, status_code=200 if ready else 503)

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def echo(request: Request, path: str) -> dict[str, object]:
        body = await request.body()  # read, as a real service reads what it is sent
        return {
            "body_bytes": len(body),
            "service": name,
            "path": request.url.path,
            "forwarded_prefix": request.headers.get("x-forwarded-prefix"),
            "authorization": request.headers.get("authorization"),
            "idempotency_key": request.headers.get("idempotency-key"),
            "request_id": request.headers.get("x-request-id"),
            "redis_url": os.environ.get("SPINEFIT_REDIS_URL"),
            "data_dir": os.environ.get("SPINEFIT_DATA_DIR"),
            "operator_token": os.environ.get("SPINEFIT_OPERATOR_TOKEN"),
            "database_url": os.environ.get("SPINEFIT_DATABASE_URL"),
        }

    return app


@asynccontextmanager
async def _fail_at_start(app: FastAPI) -> AsyncIterator[None]:
    raise RuntimeError("fake service failing at startup")
    yield


@asynccontextmanager
async def _hang_at_stop(app: FastAPI) -> AsyncIterator[None]:
    yield
    await asyncio.sleep(3600)  # a shutdown that never finishes: the launcher must SIGKILL


@asynccontextmanager
async def _busy_start(app: FastAPI) -> AsyncIterator[None]:
    """A start-up that works (CPU) for longer than the launcher's timeout, as imports and
    migrations do on a loaded machine."""
    until = time.monotonic() + float(os.environ.get("FAKE_BUSY_START_S", "4"))
    while time.monotonic() < until:
        sum(range(10_000))
    yield


@asynccontextmanager
async def _stuck_start(app: FastAPI) -> AsyncIterator[None]:
    await asyncio.sleep(3600)  # waits on something that never comes, using no CPU
    yield


tenants = make_app("tenants")
quiz = make_app("quiz")
planner = make_app("planner")
painlog = make_app("painlog")
flare_detector = make_app("flare_detector")
notifier = make_app("notifier")
never_ready = make_app("never_ready", ready_after_s=float("inf"))
crash_at_start = FastAPI(title="fake crashing service", lifespan=_fail_at_start)
hangs_at_stop = make_app("hangs_at_stop", lifespan=_hang_at_stop)
busy_start = make_app("busy_start", lifespan=_busy_start)
stuck_start = make_app("stuck_start", lifespan=_stuck_start)
