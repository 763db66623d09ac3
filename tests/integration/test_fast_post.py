"""The ingest lane (shared.http.fast_post): a plain report skips the router and answers as the
route does; everything else is the route's own answer, word for word."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from services.painlog import store as painlog_store
from services.painlog.app import build_app as build_painlog
from services.painlog.settings import PainlogSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.db.database import Database
from shared.http.fast_post import FastPostMiddleware
from tests.support.painlog import painlog_stack
from tests.support.stack import Stack, bearer, service_settings, stack

PAIN = "/v1/users/patient-17/pain"
SESSIONS = "/v1/users/patient-17/sessions"


def pain_log(log_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "log_id": log_id,
        "observed_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "level": 3,
        "context": "next_morning",
        "qualities": ["ache"],
        **changes,
    }


def session(session_id: str) -> dict[str, Any]:
    done = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "session_id": session_id,
        "started_at": (done - timedelta(minutes=20)).isoformat(),
        "completed_at": done.isoformat(),
        "exercises": [{"exercise_id": "bird-dog", "sets": 2, "reps": 8, "pain_during": 2}],
    }


class RouterCalls:
    """Counts the requests the lane hands on to the FastAPI router."""

    def __init__(self, lane: FastPostMiddleware) -> None:
        self.count = 0
        inner = lane.app

        async def counted(scope: Any, receive: Any, send: Any) -> None:
            self.count += 1
            await inner(scope, receive, send)

        lane.app = counted


def lane_of(app: FastAPI) -> FastPostMiddleware:
    layer: Any = app.middleware_stack
    while layer is not None and not isinstance(layer, FastPostMiddleware):
        layer = getattr(layer, "app", None)
    assert layer is not None, "the painlog app has no ingest lane"
    return layer


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    async with painlog_stack(redis_url, database_url, prefix) as running:
        yield running


async def _setup(services: Stack) -> tuple[dict[str, str], RouterCalls, Database]:
    key = (await services.create_tenant())["api_key"]["key"]
    app = services.apps["painlog"]
    await services.clients["painlog"].get("/healthz")  # builds the middleware stack
    return bearer(key), RouterCalls(lane_of(app)), app.state.db


async def _counts(db: Database) -> tuple[int, int, int]:
    async with db.read() as session:
        return (
            await session.scalar(select(func.count()).select_from(db.tables.outbox)) or 0,
            await session.scalar(select(func.count()).select_from(db.tables.idempotency_keys)) or 0,
            await session.scalar(select(func.count()).select_from(painlog_store.pain_logs)) or 0,
        )


async def test_a_plain_report_skips_the_router_and_answers_as_the_route(services: Stack) -> None:
    auth, router, db = await _setup(services)
    client = services.clients["painlog"]
    report = pain_log("lane-1")
    first = await client.post(PAIN, json=report, headers={**auth, "Idempotency-Key": "a"})
    assert router.count == 0
    # The same kind of report through the router (a content type the lane leaves to it).
    routed = await client.post(
        PAIN,
        content=client.build_request("POST", PAIN, json=pain_log("lane-2")).content,
        headers={**auth, "Content-Type": "application/json; charset=utf-8"},
    )
    assert router.count == 1
    assert (first.status_code, routed.status_code) == (202, 202)
    assert (
        set(first.json())
        == set(routed.json())
        == {
            "status",
            "log_id",
            "observed_at",
            "received_at",
        }
    )
    assert first.headers["cache-control"] == routed.headers["cache-control"] == "no-store"
    assert first.headers["x-request-id"]
    # A retry with the same key, on the lane: the stored answer, replayed, nothing new.
    again = await client.post(PAIN, json=report, headers={**auth, "Idempotency-Key": "a"})
    assert router.count == 1
    assert again.status_code == 202 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    done = await client.post(SESSIONS, json=session("s-1"), headers=auth)
    assert done.status_code == 202 and router.count == 1
    assert await _counts(db) == (3, 1, 2)  # pain x2 + session events; one key; two logs
    counted = REGISTRY.get_sample_value(
        "spinefit_http_requests_total",
        {
            "service": "painlog",
            "method": "POST",
            "route": "/v1/users/{user_id}/pain",
            "status": "202",
        },
    )
    assert counted is not None and counted >= 3


async def test_absurd_bodies_are_refused_small_and_at_once_and_store_nothing(
    services: Stack,
) -> None:
    """A document nested past the JSON decoder's depth is the route's 400 (it was a 500 on
    the lane: RecursionError); an array of 100,000 bad items is one "too long" error, found
    before any item is validated (it was 200,000 errors and seconds of CPU)."""
    auth, _, db = await _setup(services)
    client = services.clients["painlog"]
    deep = b"[" * 5_000 + b"]" * 5_000
    for path in (PAIN, SESSIONS):
        answer = await client.post(
            path, content=deep, headers={**auth, "Content-Type": "application/json"}
        )
        assert answer.status_code == 400, answer.text
    many = {**session("many"), "exercises": [{}] * 100_000}
    answer = await client.post(SESSIONS, json=many, headers=auth)
    assert answer.status_code == 422, answer.text[:300]
    assert [(f["field"], f["type"]) for f in answer.json()["errors"]] == [("exercises", "too_long")]
    assert "more_errors" not in answer.json()
    listed = await client.post(
        PAIN, json=pain_log("listed", qualities=["x"] * 100_000), headers=auth
    )
    assert listed.status_code == 422
    assert [f["field"] for f in listed.json()["errors"]] == ["qualities"]
    assert await _counts(db) == (0, 0, 0)


async def test_refusals_are_the_routes_own_and_store_nothing(services: Stack) -> None:
    auth, router, db = await _setup(services)
    client = services.clients["painlog"]
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    cases: list[tuple[dict[str, Any], bytes | None, dict[str, str], int, str]] = [
        ({}, None, {}, 422, "level"),  # with level 11, below
        ({}, b'{"log_id": ', {}, 422, "body"),  # malformed JSON
        ({"observed_at": future}, None, {}, 422, "observed_at"),  # refused by the endpoint
        ({}, None, {"Idempotency-Key": "x" * 300}, 400, "header.Idempotency-Key"),
    ]
    for i, (changes, raw, headers, status, field) in enumerate(cases):
        body = pain_log(f"bad-{i}", **changes)
        if i == 0:
            body["level"] = 11
        answer = await client.post(
            PAIN, json=None if raw else body, content=raw, headers={**auth, **headers}
        )
        assert answer.status_code == status, answer.text
        named = [f["field"] for f in answer.json().get("errors", [])]
        assert field in named, answer.json()
        assert answer.headers["cache-control"] == "no-store"
    # Two Authorization headers: the route's 400 (never the first one taken).
    twice = await client.post(
        PAIN,
        json=pain_log("twice"),
        headers=[("Authorization", auth["Authorization"]), ("Authorization", "Bearer x")],
    )
    assert twice.status_code == 400
    # A log_id taken by other content: 409 naming it, the first report kept.
    taken = pain_log("taken")
    assert (await client.post(PAIN, json=taken, headers=auth)).status_code == 202
    reused = await client.post(PAIN, json={**taken, "level": 9}, headers=auth)
    assert reused.status_code == 409
    assert reused.json()["errors"][0]["field"] == "log_id"
    assert await _counts(db) == (1, 0, 1)
    # The bad level and the malformed body (two Authorization headers are refused before
    # the lane, by the key check in front of it).
    assert router.count == 2


async def test_a_body_growing_past_the_limit_on_the_lane_is_the_413(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """Sent chunked (no length to refuse it by), a body read by the lane is still cut at the
    limit: the same small 413, nothing stored."""
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "painlog": build_painlog(
            service_settings(PainlogSettings, redis_url, database_url, prefix, max_body_bytes=4096)
        ),
    }
    async with stack(apps) as services:
        auth, router, db = await _setup(services)

        async def chunks() -> Any:
            for _ in range(10):
                yield b'{"log_id": "' + b"x" * 1000

        answer = await services.clients["painlog"].post(
            PAIN, content=chunks(), headers={**auth, "Content-Type": "application/json"}
        )
        assert answer.status_code == 413, answer.text[:300]
        assert answer.json()["limit_bytes"] == 4096
        assert router.count == 0  # refused on the lane, while it read the body
        assert await _counts(db) == (0, 0, 0)
