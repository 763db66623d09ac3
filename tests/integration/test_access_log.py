"""A real service under a real uvicorn writes its access lines without the query string: a
client that sends a key as `?api_key=...` must not find it in our logs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.waiting import scaled

REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_access_lines_leave_out_query_strings(redis_url: str, prefix: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "SPINEFIT_REDIS_URL": redis_url,
        "SPINEFIT_STREAM_PREFIX": prefix,
        "SPINEFIT_DATA_DIR": str(tmp_path),
        "SPINEFIT_LOG_JSON": "false",
    }
    env.pop("SPINEFIT_DATABASE_URL", None)
    log_path = tmp_path / "service.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "services.tenants.app:app"),
                *("--host", "127.0.0.1", "--port", str(port), "--lifespan", "on"),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + scaled(120)
            while True:
                assert proc.poll() is None, log_path.read_text()
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "the service never answered"
                time.sleep(0.1)
            secret = "sk_live_do-not-log-me"
            answer = httpx.get(f"{base}/healthz?api_key={secret}&x=1", timeout=10)
            assert answer.status_code == 200
            marker = httpx.get(f"{base}/healthz?after=marker", timeout=10)
            assert marker.status_code == 200
            # The access lines are written after the answers: wait for both.
            while log_path.read_text().count("GET /healthz?") < 2:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.05)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    text = log_path.read_text()
    assert secret not in text
    assert text.count('"GET /healthz?[redacted] HTTP/1.1" 200') >= 2
