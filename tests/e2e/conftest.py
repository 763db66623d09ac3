"""The system as `make run` starts it (deploy/local/run.py: six service processes, Caddy in
front, the real Redis, SQLite files), started once for the e2e modules that drive it through
the proxy (test_walkthrough with raw httpx, test_sdk_walkthrough with the generated client)
and stopped when the last of them is done."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.support.waiting import scaled

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class System:
    base_url: str
    token: str
    prefix: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)


def _free_block(count: int) -> int:
    for start in range(24_000, 60_000, 97):
        ok = True
        for port in range(start, start + count):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return start
    raise RuntimeError("no free ports")


# Package-scoped: one system for every module here that asks for it, stopped when the e2e
# package is done rather than idling through the rest of the suite.
@pytest.fixture(scope="package")
def system(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    base = _free_block(8)
    prefix = f"e2e-{uuid.uuid4().hex[:10]}:"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPINEFIT_")}
    env.update(
        SPINEFIT_REDIS_URL=redis_url,
        SPINEFIT_STREAM_PREFIX=prefix,
        PYTHONUNBUFFERED="1",
        NO_COLOR="1",
    )
    data_dir = tmp_path_factory.mktemp("var")
    process = subprocess.Popen(
        [
            sys.executable,
            "deploy/local/run.py",
            "--port",
            str(base),
            "--data-dir",
            str(data_dir),
            "--service-port-base",
            str(base + 1),
        ],
        cwd=ROOT,
        env=env,
        text=True,
        start_new_session=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    system = System(f"http://127.0.0.1:{base}", "", prefix, process)

    def collect() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            system.lines.append(line.rstrip("\n"))

    threading.Thread(target=collect, daemon=True).start()
    try:
        # make run itself names a service that stalls; this only bounds a launcher that
        # hangs. Starting six services takes over a minute with both cores busy.
        deadline = time.monotonic() + scaled(300)
        while not any("operator token" in line for line in system.lines):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("make run did not come up:\n" + "\n".join(system.lines[-60:]))
            time.sleep(0.2)
        printed = "\n".join(system.lines)
        assert f"SpineFit is running at {system.base_url}" in printed
        match = re.search(r"operator token\s+(\S+)", printed)
        assert match
        system.token = match.group(1)
        yield system
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # what Ctrl-C does
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)


def _admin(system: System, name: str) -> dict[str, str]:
    response = httpx.post(
        f"{system.base_url}/admin/v1/tenants",
        headers={"Authorization": f"Bearer {system.token}"},
        json={"name": name},
        timeout=scaled(30),
    )
    assert response.status_code == 201, response.text
    key = response.json()["api_key"]
    assert key["propagated"] is True
    return {"Authorization": f"Bearer {key['key']}"}


def shooting_pain_session(now: datetime) -> dict[str, Any]:
    """The walk-through's step 9: a session ended a minute before `now` in which the glute
    bridge gave shooting pain down the leg (rule one removes it at once)."""
    return {
        "session_id": "s-1",
        "started_at": (now - timedelta(minutes=40)).isoformat(),
        "completed_at": (now - timedelta(minutes=1)).isoformat(),
        "exercises": [
            {
                "exercise_id": "glute-bridge",
                "sets": 2,
                "reps": 10,
                "pain_during": 6,
                "pain_qualities": ["shooting"],
                "pain_locations": ["thigh", "calf"],
            }
        ],
    }
