"""The public API document and docs pages on the base URL of the running system (`make run`:
six services, Caddy in front): served by the proxy, offline, and true to what the services
answer (schemathesis, status-code conformance)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import status_code_conformance

from deploy.local.proxy import public_site_route, render_caddyfile, tabbed
from shared.http.openapi import DOCS_CSP
from tests.e2e.conftest import System
from tests.support.waiting import scaled

ROOT = Path(__file__).resolve().parents[2]
OFF_SITE = re.compile(r"cdn|jsdelivr|unpkg|googleapis|https?://", re.IGNORECASE)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(480)]


def test_both_caddyfiles_serve_the_public_site() -> None:
    local = render_caddyfile(
        listen_port=1, upstreams={"quiz": 2}, state_dir=Path("/s"), public_dir=Path("/p")
    )
    assert tabbed(public_site_route(Path("/p"))) in local
    production = (ROOT / "deploy" / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    public, _ = production.split("{$SPINEFIT_INTERNAL_ADDRESS::8081} {")
    assert tabbed(public_site_route("/srv/public")) in public
    assert (
        "COPY --from=public-api /public /srv/public" in (ROOT / "deploy" / "Dockerfile").read_text()
    )


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_the_base_url_serves_the_public_document_and_offline_docs(system: System) -> None:
    with httpx.Client(base_url=system.base_url, timeout=scaled(30), trust_env=False) as http:
        response = http.get("/openapi.json")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        document = response.json()
        validate(document)
        assert document["servers"][0]["url"] == "/"
        assert "/v1/users/{user_id}/plan" in document["paths"]
        assert "plan-generated" in document["webhooks"]

        for page in ("/docs", "/redoc"):
            answer = http.get(page)
            assert answer.status_code == 200, page
            assert answer.headers["content-type"].startswith("text/html")
            assert answer.headers["content-security-policy"] == DOCS_CSP
            assert not OFF_SITE.search(answer.text), OFF_SITE.findall(answer.text)
            assert "/openapi.json" in answer.text
            assets = _assets(answer.text)
            assert assets, page
            for asset in assets:
                url = urljoin(f"{system.base_url}{page}", asset)
                assert urlsplit(url).hostname in LOOPBACK, url
                served = http.get(url)
                assert served.status_code == 200, url
                assert len(served.content) > 1000 or asset.endswith(".png"), url
        # A service's own docs behind the proxy, offline too, with its assets under its prefix.
        own = http.get("/services/planner/docs")
        assert own.status_code == 200
        assert not OFF_SITE.search(own.text)
        for asset in _assets(own.text):
            assert asset.startswith("/services/planner/docs/assets/"), asset
            assert http.get(asset).status_code == 200, asset


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _render(browser: str, url: str, profile: Path) -> str:
    """The page's DOM once its scripts ran, every host name but loopback unresolvable: the
    page gets nothing from elsewhere. Fails on any console message (a script or a fetch
    that failed, a CSP violation)."""
    argv = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    argv += [f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    argv += ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
    argv += ["--virtual-time-budget=20000", "--dump-dom", url]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=scaled(120))
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    return result.stdout


def test_the_docs_pages_render_in_a_browser_with_no_network_beyond_loopback(
    system: System, tmp_path: Path
) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary (apt-get install chromium): render check skipped")
    dom = _render(browser, f"{system.base_url}/docs", tmp_path / "profile")
    # Swagger UI drew one section per service and the operations in them.
    assert set(re.findall(r'data-tag="([^"]+)"', dom)) >= {"planner", "notifier", "tenants"}
    assert dom.count("opblock-summary-path") >= 20
    # A service's own page, through the proxy, the same way.
    own = _render(browser, f"{system.base_url}/services/planner/docs", tmp_path / "profile")
    assert 'data-path="/v1/users/{user_id}/plan"' in own


def _api_key(system: System) -> str:
    response = httpx.post(
        f"{system.base_url}/admin/v1/tenants",
        headers={"Authorization": f"Bearer {system.token}"},
        json={"name": "Fuzzing clinic"},
        timeout=scaled(30),
    )
    assert response.status_code == 201, response.text
    key: str = response.json()["api_key"]["key"]
    return key


def _bounded(strategy: Any, call: Callable[[Any], None]) -> Callable[[], None]:
    """`call` on a few cases of `strategy`: no deadline, no shrinking, no saved examples."""

    @settings(
        max_examples=4,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        call(case)

    return run  # type: ignore[no-any-return]


def test_the_services_answer_no_status_the_public_document_leaves_out(system: System) -> None:
    """Bounded: a few examples per operation, valid and not, no deadline, no shrinking."""
    document = httpx.get(f"{system.base_url}/openapi.json", timeout=scaled(30)).json()
    schema = schemathesis.openapi.from_dict(document)
    tenant = {"Authorization": f"Bearer {_api_key(system)}"}
    operator = {"Authorization": f"Bearer {system.token}"}
    undocumented: dict[tuple[str, int], str] = {}
    calls = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        auth = operator if operation.path.startswith("/admin/") else tenant
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        def call(case: Any, auth: dict[str, str] = auth, label: str = operation.label) -> None:
            nonlocal calls
            calls += 1
            response = case.call(base_url=system.base_url, headers=auth, timeout=scaled(30))
            try:
                case.validate_response(response, checks=[status_code_conformance])
            except (AssertionError, BaseExceptionGroup):  # schemathesis' FailureGroup
                undocumented[label, response.status_code] = response.text[:160]

        _bounded(strategy, call)()

    assert calls >= 40
    found = {key: f"{key[0]}: {key[1]} {body}" for key, body in sorted(undocumented.items())}
    # What every operation answers is documented (shared/http/openapi.py for what all of
    # them answer, each route's `responses=problems(...)` for its own): never missing.
    assert found == {}, "\n".join(found.values())
