"""The tenant API's limits on one caller, shared by a service's replicas: a tenant's
burst is cut off with 429s while another tenant is served, and so is an address sending
requests without a valid key, while valid keys from that address still get through."""

from __future__ import annotations

from pathlib import Path

import httpx
import redis

from services.quiz.app import build_app as build_quiz
from services.quiz.settings import QuizSettings
from tests.factories.quiz import clean_answers
from tests.support.quiz import tenants_and_quiz
from tests.support.stack import Stack, bearer, service_settings, stack
from tests.support.waiting import eventually


async def _keys(services: Stack, n: int) -> list[dict[str, str]]:
    return [bearer((await services.create_tenant(f"c{i}"))["api_key"]["key"]) for i in range(n)]


def _assert_rate_limited(answer: httpx.Response, limit: int, window_s: int) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.json()["type"] == "/problems/rate-limited"
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["Retry-After"]) >= 1
    assert answer.headers["RateLimit-Limit"] == str(limit)
    assert answer.headers["RateLimit-Remaining"] == "0"
    assert int(answer.headers["RateLimit-Reset"]) >= 1
    assert answer.headers["RateLimit-Policy"] == f"{limit};w={window_s}"
    assert answer.headers["Cache-Control"] == "no-store"


async def test_a_tenant_over_its_limit_gets_429s_while_another_is_served(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """Within the limit every request is served; past it that tenant's requests are 429s
    (a POST too, refused before its body is read: an unreadable body is not noticed), and
    another tenant is still served."""
    apps = tenants_and_quiz(redis_url, tmp_path, prefix, tenant_rate_limit="5/minute")
    async with stack(apps) as services:
        a, b = await _keys(services, 2)
        quiz = services.clients["quiz"]
        within = [await quiz.get("/v1/quiz", headers=a) for _ in range(5)]
        assert [r.status_code for r in within] == [200] * 5, [r.text for r in within]
        _assert_rate_limited(await quiz.get("/v1/quiz", headers=a), 5, 60)
        over = await quiz.post("/v1/users/u1/quiz", content=b'{"not": "json', headers=a)
        _assert_rate_limited(over, 5, 60)
        other = [await quiz.get("/v1/quiz", headers=b) for _ in range(5)]
        assert [r.status_code for r in other] == [200] * 5
        stored = await quiz.post("/v1/users/u1/quiz", json=clean_answers(), headers=b)
        assert stored.status_code == 429  # b's sixth: its own bucket is empty now


async def test_under_the_default_limit_a_tenant_is_never_refused(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """Forty requests at once (the default allows a burst of 50): all served."""
    async with stack(tenants_and_quiz(redis_url, tmp_path, prefix)) as services:
        (key,) = await _keys(services, 1)
        quiz = services.clients["quiz"]
        answers = [await quiz.get("/v1/quiz", headers=key) for _ in range(40)]
        assert {r.status_code for r in answers} == {200}


async def test_an_address_sending_no_valid_key_gets_429s_but_valid_keys_from_it_pass(
    redis_url: str, tmp_path: Path, prefix: str
) -> None:
    """Missing, unknown or doubled keys count against the client address; past the limit
    its keyless requests are 429s before routing, while a valid key from that address and
    keyless requests from another address are answered as before."""
    apps = tenants_and_quiz(redis_url, tmp_path, prefix, unauthorized_rate_limit="3/minute")
    async with stack(apps) as services:
        (key,) = await _keys(services, 1)
        quiz = services.clients["quiz"]
        twice = [("Authorization", "Bearer sf_a_b"), ("Authorization", "Bearer sf_c_d")]
        failures = [
            await quiz.get("/v1/quiz"),
            await quiz.post("/v1/users/u1/quiz", json=clean_answers(), headers=bearer("sf_x_y")),
            await quiz.post("/v1/users/u1/quiz", content=b'{"not": "json', headers=twice),
        ]
        assert [r.status_code for r in failures] == [401, 401, 400], [r.text for r in failures]
        _assert_rate_limited(await quiz.get("/v1/quiz"), 3, 60)
        _assert_rate_limited(await quiz.get("/v1/quiz", headers=bearer("sf_x_y")), 3, 60)
        assert (await quiz.get("/v1/quiz", headers=key)).status_code == 200
        elsewhere = httpx.ASGITransport(app=apps["quiz"], client=("198.51.100.7", 4000))
        async with httpx.AsyncClient(transport=elsewhere, base_url="http://test") as other:
            assert (await other.get("/v1/quiz")).status_code == 401


async def test_two_replicas_of_a_service_share_a_tenants_limit(
    redis_url: str, tmp_path: Path, prefix: str, redis_client: redis.Redis
) -> None:
    """Two quiz replicas on one database and one Redis: what one let through is counted in
    Redis for both (the background sync), so the other refuses once the tenant's count for
    the window is reached, although its own bucket is still full."""
    apps = tenants_and_quiz(redis_url, tmp_path, prefix, tenant_rate_limit="6/minute")
    db = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    apps["quiz-2"] = build_quiz(
        service_settings(QuizSettings, redis_url, db, prefix, tenant_rate_limit="6/minute")
    )
    async with stack(apps) as services:
        (key,) = await _keys(services, 1)
        one, two = services.clients["quiz"], services.clients["quiz-2"]
        within = [await one.get("/v1/quiz", headers=key) for _ in range(6)]
        assert [r.status_code for r in within] == [200] * 6

        async def counted() -> bool:
            names = list(redis_client.scan_iter(match=f"{prefix}ratelimit:tenant:*"))
            return sum(int(redis_client.get(n) or 0) for n in names) >= 6

        await eventually(counted)
        # Replica two has not read the count yet: it lets through at most one request,
        # then (once its own sync has read the total back) refuses as replica one does.
        first = await two.get("/v1/quiz", headers=key)
        assert first.status_code in (200, 429)

        async def refused() -> bool:
            return (await two.get("/v1/quiz", headers=key)).status_code == 429

        await eventually(refused)
        answers = [await two.get("/v1/quiz", headers=key) for _ in range(3)]
        assert {r.status_code for r in answers} == {429}
