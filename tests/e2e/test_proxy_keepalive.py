"""No 502 from the proxy on a healthy system: Caddy drops an idle upstream connection before
the service closes it, so it never sends a POST on a connection the service is closing (the
keep-alive race: Caddy does not retry a request with a body).

Checked in the configuration (the launcher, the production Caddyfile and Dockerfile): that
is the test that fails when the order is broken. The race itself is rare (4 in about 27,700
posts under load), so the live part, a real Caddy in front of a real uvicorn whose
keep-alive is made short, POSTs sent after idle gaps right around the moment uvicorn closes
idle connections, is a smoke check of the generated configuration, not proof.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.local import run
from deploy.local.proxy import (
    BODY_LIMIT_BYTES,
    PROXY_UPSTREAM_KEEPALIVE_S,
    SERVICE_KEEPALIVE_S,
    TOO_LARGE_BODY,
    TOO_LARGE_ROUTE,
    longer_than,
    render_caddyfile,
    tabbed,
)
from shared.http.limits import BodyLimitMiddleware
from shared.settings import ServiceSettings
from tests.support.caddy import painlog_behind_caddy

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

REPO_ROOT = Path(__file__).resolve().parents[2]
DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m)$")


def _seconds(text: str) -> float:
    match = DURATION.match(text)
    assert match, text
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "ms" else value * 60 if unit == "m" else value


def _proxy_keepalives(caddyfile: str) -> list[float]:
    """The upstream keep-alive of every reverse_proxy block; each must set one."""
    blocks = caddyfile.split("reverse_proxy")[1:]
    found = []
    for block in blocks:
        body = block.split("\n\t}\n", 1)[0]
        match = re.search(r"keepalive (\S+)", body)
        assert match, f"a reverse_proxy without an upstream keepalive:{body[:200]}"
        found.append(_seconds(match.group(1)))
    return found


def test_the_proxy_lets_idle_upstream_connections_go_before_the_services_do(
    tmp_path: Path,
) -> None:
    assert PROXY_UPSTREAM_KEEPALIVE_S < SERVICE_KEEPALIVE_S / 2
    local = render_caddyfile(listen_port=1, upstreams={"quiz": 2, "painlog": 3}, state_dir=tmp_path)
    production = (REPO_ROOT / "deploy" / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    for caddyfile, routes in ((local, 4), (production, 12)):
        keepalives = _proxy_keepalives(caddyfile)
        assert len(keepalives) == routes
        assert all(k < SERVICE_KEEPALIVE_S / 2 for k in keepalives), keepalives
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert f"--timeout-keep-alive {SERVICE_KEEPALIVE_S} " in dockerfile
    launcher = Path(run.__file__).read_text(encoding="utf-8")
    assert '"--timeout-keep-alive", str(proxy.SERVICE_KEEPALIVE_S)' in launcher


def test_the_proxy_holds_request_bodies_to_the_services_limit(tmp_path: Path) -> None:
    local = render_caddyfile(listen_port=1, upstreams={"quiz": 2}, state_dir=tmp_path)
    production = (REPO_ROOT / "deploy" / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    limit = ServiceSettings.model_fields["max_body_bytes"].default
    assert limit == BODY_LIMIT_BYTES == 1024 * 1024
    # The proxy's 413 is the services' own answer, word for word.
    assert TOO_LARGE_BODY.encode() == BodyLimitMiddleware(None, max_bytes=limit).answer  # type: ignore[arg-type]
    refusal = tabbed(TOO_LARGE_ROUTE)
    for caddyfile in (local, production):
        assert re.search(r"request_body \{\s+max_size 1MiB\s+\}", caddyfile), caddyfile[:600]
        assert refusal in caddyfile  # a declared length over the limit: the proxy's 413


@pytest.mark.parametrize("limit", [1, 9, 10, 99, 1_000, 1_048_576, 1_999_999, 7_000_900])
def test_the_length_expression_matches_exactly_the_numbers_over_the_limit(limit: int) -> None:
    over = re.compile(longer_than(limit))
    near = range(max(0, limit - 2_000), limit + 2_000)
    samples = [*near, *(limit * k + j for k in (2, 3, 10, 11, 1_000) for j in (0, 1, 7))]
    for n in samples:
        assert bool(over.match(str(n))) == (n > limit), n
        assert bool(over.match(f"00{n}")) == (n > limit), n  # leading zeros are the same number
    for text in ("", "-5", "1e9", "12 34", "abc", f"{limit + 1}x"):
        assert not over.match(text), text


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[str]:
    """A fake painlog on uvicorn with a 1 s keep-alive behind Caddy (0.4 s upstream)."""
    with painlog_behind_caddy(
        tmp_path / "caddy", service_keepalive_s=1, upstream_keepalive_s=0.4
    ) as base_url:
        yield base_url


def test_the_proxy_refuses_a_body_over_the_limit(proxied: str) -> None:
    """Declared too large, a body is the proxy's own 413 every time, the services' problem
    answer (it was Caddy's empty 413 when the service read it, and a 502 now and then when
    the service refused it first); the limit itself still passes."""
    with httpx.Client(base_url=proxied, timeout=30, trust_env=False) as client:
        for size in [BODY_LIMIT_BYTES + 1] * 5 + [5_000_000] * 5:
            answer = client.post("/v1/users/u-1/pain", content=b"x" * size)
            assert answer.status_code == 413, answer.text
            assert answer.json()["type"] == "/problems/payload-too-large"
            assert answer.json()["limit_bytes"] == BODY_LIMIT_BYTES
        at_limit = client.post("/v1/users/u-1/pain", content=b"x" * BODY_LIMIT_BYTES)
        assert at_limit.status_code == 200 and at_limit.json()["body_bytes"] == BODY_LIMIT_BYTES
        assert client.post("/v1/users/u-1/pain", json={"level": 3}).status_code == 200


def test_posts_after_idle_gaps_at_the_services_keepalive_never_get_a_5xx(proxied: str) -> None:
    """Bursts of POSTs, each after an idle gap swept across the service's 1 s keep-alive
    (where a proxy keeping its connections longer reuses one as uvicorn closes it)."""
    statuses: list[int] = []
    gaps = [0.9 + 0.02 * i for i in range(11)]  # 0.90 .. 1.10 s
    with httpx.Client(base_url=proxied, timeout=30, trust_env=False) as client:
        for gap in gaps:
            for n in range(4):
                answer = client.post("/v1/users/u-1/pain", json={"level": 3, "n": n})
                statuses.append(answer.status_code)
            time.sleep(gap)  # the idle gap is the point of the test, not a budget
    assert statuses == [200] * len(statuses), statuses
