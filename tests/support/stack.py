"""Services run in-process for integration tests: real lifespan (migrations, bus), real
Redis, real database, requests through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from shared.settings import ServiceSettings
from tests.support.settings import OPERATOR_TOKEN, fast_settings


def service_settings(
    cls: type[ServiceSettings], redis_url: str, database_url: str, prefix: str, **kw: Any
) -> Any:
    """SQLite: one file per service beside the test's file; PostgreSQL: one database shared by
    the services, as in production, each with its own prefixed tables."""
    if database_url.startswith("sqlite"):
        database_url = database_url.rsplit("/", 1)[0] + f"/{cls.SERVICE}.db"
    return cls(
        redis_url=redis_url, database_url=database_url, stream_prefix=prefix, **fast_settings(**kw)
    )


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@dataclass
class Stack:
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    apps: dict[str, FastAPI] = field(default_factory=dict)

    async def create_tenant(self, name: str = "Clinic") -> dict[str, Any]:
        response = await self.clients["tenants"].post(
            "/admin/v1/tenants",
            json={"name": name},
            headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        assert body["api_key"]["propagated"] is True
        return body


@asynccontextmanager
async def stack(apps: dict[str, FastAPI]) -> AsyncIterator[Stack]:
    result = Stack(apps=apps)
    async with AsyncExitStack() as exits:
        for name, app in apps.items():
            result.clients[name] = await exits.enter_async_context(running(app))
        yield result


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
