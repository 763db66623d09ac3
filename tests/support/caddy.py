"""A real Caddy, configured by the launcher's own code, in front of a fake painlog on uvicorn
(tests/e2e/fake_services.py): for the tests of what the proxy does on the wire."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from deploy.local.proxy import PROXY_HEALTH_PATH, PROXY_UPSTREAM_KEEPALIVE_S, prepare_caddy
from tests.e2e.test_local_launcher import _free_ports
from tests.support.waiting import scaled

REPO_ROOT = Path(__file__).resolve().parents[2]


def wait_ok(url: str, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + scaled(60)
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{what} exited with {proc.returncode}"
        try:
            if httpx.get(url, timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what} not ready at {url}")


@contextmanager
def painlog_behind_caddy(
    state_dir: Path,
    *,
    service_keepalive_s: int | None = None,
    upstream_keepalive_s: float = PROXY_UPSTREAM_KEEPALIVE_S,
    stopped: tuple[str, ...] = (),
) -> Iterator[str]:
    """The proxy's base URL; the services named in `stopped` are routed to a port nothing
    listens on (a service that is down)."""
    service_port, proxy_port, *stopped_ports = _free_ports(2 + len(stopped))
    keepalive = ("--timeout-keep-alive", str(service_keepalive_s)) if service_keepalive_s else ()
    service = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "tests.e2e.fake_services:painlog"),
            *("--host", "127.0.0.1", "--port", str(service_port), *keepalive),
            *("--log-level", "warning"),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    down = dict(zip(stopped, stopped_ports, strict=True))
    upstreams: Mapping[str, int] = {"painlog": service_port, **down}
    argv, env = prepare_caddy(
        proxy_port, upstreams, state_dir, os.environ, upstream_keepalive_s=upstream_keepalive_s
    )
    # Caddy logs each failed upstream at ERROR: expected here, so kept out of the output.
    caddy = subprocess.Popen(
        argv, env=env, cwd=state_dir, stderr=subprocess.DEVNULL if stopped else None
    )
    try:
        wait_ok(f"http://127.0.0.1:{service_port}/readyz", service, "the service")
        wait_ok(f"http://127.0.0.1:{proxy_port}{PROXY_HEALTH_PATH}", caddy, "Caddy")
        yield f"http://127.0.0.1:{proxy_port}"
    finally:
        for proc in (caddy, service):
            proc.terminate()
        for proc in (caddy, service):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
