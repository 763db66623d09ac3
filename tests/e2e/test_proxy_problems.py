"""Every answer the proxy makes itself is a problem (RFC 9457, `application/problem+json`) of
the services' own shape: a path no service owns (404), a service that is down (502), slow
(504) or has no instance left (503), a body over the limit (413).

The bodies are made by `shared.http.problems` (deploy/local/proxy_problems.py), checked in both
Caddyfiles, then met through a real Caddy in front of one live and one stopped service.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from deploy.local.proxy import render_caddyfile, tabbed
from deploy.local.proxy_problems import (
    BODY_LIMIT_BYTES,
    ERROR_ROUTES,
    NOT_FOUND_BODY,
    PROXY_PROBLEMS,
)
from shared.http.problems import PROBLEM_JSON, Problem, install_problem_handlers
from tests.support.caddy import painlog_behind_caddy

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

REPO_ROOT = Path(__file__).resolve().parents[2]


async def test_the_proxys_404_is_the_services_own_answer_to_a_path_they_do_not_have() -> None:
    app = FastAPI()
    install_problem_handlers(app)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        answer = await client.get("/no/such/path")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json() == json.loads(NOT_FOUND_BODY)


def test_each_error_the_proxy_answers_is_a_problem_of_its_status() -> None:
    assert {413, 502, 503, 504} <= set(PROXY_PROBLEMS)
    for status in PROXY_PROBLEMS:
        block = ERROR_ROUTES.split(f"handle_errors {status} {{", 1)[1].split("\n    }\n", 1)[0]
        assert "header Content-Type application/problem+json" in block
        body = block.split("respond `", 1)[1].split("`", 1)[0]
        problem = Problem.model_validate_json(body)
        assert problem.status == status and problem.detail, body
        assert problem.type.startswith("/problems/") and problem.type != "/problems/error"
        assert block.rstrip().endswith(f"` {status}")
    # Any other error: Caddy's status, in the same shape.
    assert "respond `" in ERROR_ROUTES.split("handle_errors {", 1)[1]


def test_both_caddyfiles_answer_errors_and_unknown_paths_with_problems(tmp_path: Path) -> None:
    local = render_caddyfile(listen_port=1, upstreams={"quiz": 2}, state_dir=tmp_path)
    production = (REPO_ROOT / "deploy" / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    not_found = f"header Content-Type {PROBLEM_JSON}\n\t\trespond `{NOT_FOUND_BODY}` 404"
    # Production has two sites (public, internal): each answers its errors the same way.
    for caddyfile, sites in ((local, 1), (production, 2)):
        assert caddyfile.count(tabbed(ERROR_ROUTES)) == sites
        assert caddyfile.count("handle_errors") == sites * (len(PROXY_PROBLEMS) + 1)
        assert not_found in caddyfile
        assert '{"detail"' not in caddyfile


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[str]:
    """Caddy in front of a live fake painlog and a quiz that is not running."""
    with painlog_behind_caddy(tmp_path / "caddy", stopped=("quiz",)) as base_url:
        yield base_url


def _problem(answer: httpx.Response, status: int) -> dict[str, object]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    body: dict[str, object] = answer.json()
    assert Problem.model_validate(body).status == status
    return body


def test_a_path_no_service_owns_is_a_not_found_problem(proxy: str) -> None:
    with httpx.Client(base_url=proxy, timeout=30, trust_env=False) as client:
        for path in ("/", "/v1/nowhere", "/services/painlog/metrics", "/services/unknown/x"):
            answer = client.get(path, headers={"X-Request-ID": "r-404"})
            assert _problem(answer, 404) == json.loads(NOT_FOUND_BODY), path
            assert answer.headers["X-Request-ID"] == "r-404"
        assert client.get("/v1/users/u-1/pain").json()["service"] == "painlog"


def test_a_service_that_is_down_is_a_bad_gateway_problem(proxy: str) -> None:
    with httpx.Client(base_url=proxy, timeout=30, trust_env=False) as client:
        for answer in (
            client.get("/v1/users/u-1/quiz", headers={"X-Request-ID": "r-502"}),
            client.post("/v1/quiz", json={"answers": []}, headers={"X-Request-ID": "r-502"}),
            client.get("/services/quiz/healthz", headers={"X-Request-ID": "r-502"}),
        ):
            body = _problem(answer, 502)
            assert body["type"] == "/problems/bad-gateway"
            assert body["title"] == "Bad Gateway" and body["detail"]
            # The error answer keeps the request id, as every other answer does.
            assert answer.headers["X-Request-ID"] == "r-502"
        minted = client.get("/v1/users/u-1/quiz")
        assert len(minted.headers["X-Request-ID"]) == 36


def test_a_body_over_the_limit_without_a_length_is_the_services_413(proxy: str) -> None:
    """Chunked, the size is found while Caddy streams the body on: its own error, answered
    as the same problem as a declared length over the limit."""

    def chunks() -> Iterator[bytes]:
        for _ in range(BODY_LIMIT_BYTES // 65_536 + 2):
            yield b"x" * 65_536

    with httpx.Client(base_url=proxy, timeout=30, trust_env=False) as client:
        answer = client.post("/v1/users/u-1/pain", content=chunks())
        body = _problem(answer, 413)
        assert body["type"] == "/problems/payload-too-large"
        assert body["limit_bytes"] == BODY_LIMIT_BYTES
