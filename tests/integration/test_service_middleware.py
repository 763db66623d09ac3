"""Every request passes one middleware layer (correlation id, metrics, proxy prefix,
no-store) instead of one layer each; each of its jobs is still done."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import FastAPI, Request
from prometheus_client import REGISTRY

from services.quiz.app import build_app as build_quiz
from services.quiz.settings import QuizSettings
from shared.http.middleware import ServiceMiddleware
from tests.support.stack import running, service_settings


@pytest.fixture
async def quiz(
    redis_url: str, tmp_path: object, prefix: str
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    url = f"sqlite+aiosqlite:///{tmp_path}/quiz.db"
    app = build_quiz(service_settings(QuizSettings, redis_url, url, prefix))
    seen: list[str | None] = []

    @app.get("/v1/echo-request-id")
    async def echo(request: Request) -> dict[str, str | None]:
        seen.append(request.headers.get("x-request-id"))
        return {"request_id": request.headers.get("x-request-id")}

    async with running(app) as client:
        yield app, client


def test_one_layer_for_every_request() -> None:
    """Correlation id, metrics, prefix and no-store: one layer (others, e.g. the body limit,
    are layers of their own)."""
    app = build_quiz(QuizSettings(log_level="WARNING"))
    layers = [m.cls for m in app.user_middleware]
    assert layers.count(ServiceMiddleware) == 1
    assert CorrelationIdMiddleware not in layers
    assert not {"MetricsMiddleware", "ForwardedPrefixMiddleware", "NoStoreMiddleware"} & {
        getattr(cls, "__name__", "") for cls in layers
    }


async def test_a_valid_request_id_is_kept_and_an_invalid_one_replaced(
    quiz: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = quiz
    given = uuid.uuid4().hex
    kept = await client.get("/v1/echo-request-id", headers={"X-Request-ID": given})
    replaced = await client.get("/v1/echo-request-id", headers={"X-Request-ID": "not-an-id"})
    made = await client.get("/v1/echo-request-id")
    assert kept.headers["X-Request-ID"] == given == kept.json()["request_id"]
    for response in (replaced, made):
        new = response.headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", new)
        assert response.json()["request_id"] == new  # what the request itself sees
        assert response.headers.get_list("X-Request-ID") == [new]
    assert replaced.headers["X-Request-ID"] != made.headers["X-Request-ID"]


async def test_requests_are_counted_per_route_template_and_status(
    quiz: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = quiz

    def count(route: str, status: str) -> float:
        value = REGISTRY.get_sample_value(
            "spinefit_http_requests_total",
            {"service": "quiz", "method": "GET", "route": route, "status": status},
        )
        return value or 0.0

    before = count("/v1/users/{user_id}/quiz", "401"), count("unmatched", "404")
    await client.get("/v1/users/u-1/quiz")
    await client.get("/v1/users/u-2/quiz")
    await client.get("/nowhere")
    assert count("/v1/users/{user_id}/quiz", "401") - before[0] == 2
    assert count("unmatched", "404") - before[1] == 1


async def test_the_proxy_prefix_becomes_the_root_path_and_api_answers_are_not_stored(
    quiz: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    _, client = quiz
    docs = await client.get("/docs", headers={"X-Forwarded-Prefix": "/services/quiz"})
    untrusted = await client.get("/docs", headers={"X-Forwarded-Prefix": "https://evil/x"})
    assert "/services/quiz/openapi.json" in docs.text
    assert "evil" not in untrusted.text
    assert docs.headers.get("cache-control") is None  # not an API answer
    api = await client.get("/v1/echo-request-id")
    assert api.headers.get_list("cache-control") == ["no-store"]
