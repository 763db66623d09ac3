"""Helpers for notifier tests: fast settings, a webhook receiver on loopback, publishing a
public event onto its stream as another service would, and reading the API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import redis
from fastapi import FastAPI
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from services.notifier.app import build_app as build_notifier
from services.notifier.settings import NotifierSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.events.base import Event
from tests.support.stack import bearer, service_settings


def notifier_settings(
    redis_url: str, database_url: str, prefix: str, **overrides: Any
) -> NotifierSettings:
    """Retries in tenths of a second, a short timeout, loopback allowed (development)."""
    fast: dict[str, Any] = {
        "webhook_retry_schedule_s": [0.05, 0.05, 0.05],
        "webhook_retry_jitter": 0.1,
        "webhook_attempt_timeout_s": 2.0,
        "webhook_lease_s": 5.0,
        "webhook_poll_s": 0.05,
        "allow_loopback_webhooks": True,
        "public_base_url": "https://api.spinefit.test",
    }
    fast.update(overrides)
    settings: NotifierSettings = service_settings(
        NotifierSettings, redis_url, database_url, prefix, **fast
    )
    return settings


def notifier_apps(
    redis_url: str, database_url: str, prefix: str, **overrides: Any
) -> dict[str, FastAPI]:
    """The tenants service (it makes the API keys) and the notifier with these settings
    overrides, for `stack(...)`; an `env` override applies to both."""
    env = {"env": overrides["env"]} if "env" in overrides else {}
    return {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix, **env)
        ),
        "notifier": build_notifier(notifier_settings(redis_url, database_url, prefix, **overrides)),
    }


def publish(client: redis.Redis, prefix: str, event: Event) -> None:
    """Put an event on its stream as JSON, as the emitting service's relay would."""
    client.xadd(f"{prefix}{event.event_type}", {"payload": event.model_dump_json()})


@dataclass
class Received:
    headers: dict[str, str]
    body: str


class Receiver:
    """A webhook receiver on 127.0.0.1 (one request at a time). Answers with `statuses` in
    order, then `default`; `hold` makes it wait (up to `hold_s`) before answering."""

    def __init__(
        self,
        statuses: list[int] | None = None,
        *,
        default: int = 200,
        hold: threading.Event | None = None,
        hold_s: float = 10.0,
    ) -> None:
        self.statuses = list(statuses or [])
        self.default = default
        self.hold = hold
        self.hold_s = hold_s
        self.received: list[Received] = []
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self.server = HTTPServer(host="127.0.0.1", port=0)
        self.server.expect_request("/hook", method="POST").respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/hook"

    def _handle(self, request: Request) -> Response:
        with self._lock:
            self.received.append(
                Received(
                    {k.lower(): v for k, v in request.headers.items()},
                    request.get_data(as_text=True),
                )
            )
            status = self.statuses.pop(0) if self.statuses else self.default
        self.arrived.set()
        if self.hold is not None:
            self.hold.wait(self.hold_s)
        return Response("ok", status=status)

    def ids(self) -> list[str]:
        with self._lock:
            return [r.headers["webhook-id"] for r in self.received]


@contextmanager
def receivers(*items: Receiver) -> Iterator[tuple[Receiver, ...]]:
    for item in items:
        item.server.start()
    try:
        yield items
    finally:
        for item in items:
            if item.hold is not None:
                item.hold.set()
            if item.server.is_running():
                item.server.stop()


async def register(client: httpx.AsyncClient, key: str, url: str, **body: Any) -> dict[str, Any]:
    response = await client.post(
        "/v1/webhooks/endpoints", json={"url": url, **body}, headers=bearer(key)
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def deliveries(client: httpx.AsyncClient, key: str, endpoint_id: str) -> list[Any]:
    """The first page of the endpoint's deliveries (newest first)."""
    response = await client.get(
        f"/v1/webhooks/endpoints/{endpoint_id}/deliveries", headers=bearer(key)
    )
    assert response.status_code == 200, response.text
    found: list[Any] = response.json()["items"]
    return found
