"""`make run` (deploy/local/run.py) as a user meets it: real processes, real Caddy, real Valkey.

The launcher runs tiny stand-in apps (tests/e2e/fake_services.py) in place of the services,
so these tests check the launcher and the proxy routes, not the services.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from deploy.local.proxy import (  # noqa: E402
    PUBLIC_ROUTES,
    path_regex,
    prepare_caddy,
    render_caddyfile,
    route_for,
)
from deploy.local.proxy_problems import NOT_FOUND_BODY  # noqa: E402
from tests.support.waiting import scaled  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

SERVICES = ("tenants", "quiz", "planner", "painlog", "flare_detector", "notifier")
FAKES = "tests.e2e.fake_services"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
BANNER = "SpineFit is running at"

ROUTED = [
    ("/admin/v1/tenants", "tenants"),
    ("/admin/v1/tenants/t-1/keys", "tenants"),
    ("/v1/quiz", "quiz"),
    ("/v1/users/u-1/quiz", "quiz"),
    ("/v1/exercises", "planner"),
    ("/v1/exercises/cat-cow", "planner"),
    ("/v1/users/u-1/plan", "planner"),
    ("/v1/users/u-1/plan/versions", "planner"),
    ("/v1/users/u-1/sessions", "painlog"),
    ("/v1/users/u-1/sessions/s-1", "painlog"),
    ("/v1/users/u-1/pain", "painlog"),
    ("/v1/users/u-1/pain/chart", "painlog"),
    ("/v1/users/u-1/flares", "flare_detector"),
    ("/v1/users/u-1/flares/f-1", "flare_detector"),
    ("/v1/webhooks/endpoints", "notifier"),
    ("/v1/webhooks/endpoints/e-1/deliveries", "notifier"),
]
NOT_ROUTED = [
    "/",
    "/admin",
    "/v1",
    "/v1/quizzes",
    "/v1/users/u-1",
    "/v1/users/u-1/planner",
    "/v1/users/u-1/x/plan",
    "/v1/webhooks",
    "/services/quiz",
    "/services/unknown/healthz",
    "/metrics",
    "/services/quiz/metrics",
    "/services/notifier/metrics/x",
]


# --- (a) the route table and the Caddyfile made from it ---------------------------------


@pytest.mark.parametrize(("path", "service"), ROUTED)
def test_each_public_path_is_routed_to_its_service(path: str, service: str) -> None:
    assert route_for(path, SERVICES) == service


@pytest.mark.parametrize("path", NOT_ROUTED)
def test_paths_outside_the_contract_are_not_routed(path: str) -> None:
    assert route_for(path, SERVICES) is None


def test_services_prefix_reaches_each_service_and_the_proxy_answers_healthz() -> None:
    for name in SERVICES:
        assert route_for(f"/services/{name}/healthz", SERVICES) == name
    assert route_for("/healthz", SERVICES) == "proxy"


def test_caddyfile_has_a_route_per_service_and_caddy_accepts_it(tmp_path: Path) -> None:
    ports = {name: 9100 + index for index, name in enumerate(SERVICES)}
    argv, env = prepare_caddy(18080, ports, tmp_path / "caddy", os.environ)
    caddyfile = (tmp_path / "caddy" / "Caddyfile").read_text(encoding="utf-8")

    assert "http://:18080 {" in caddyfile
    assert "bind 127.0.0.1" in caddyfile
    assert "admin off" in caddyfile and "auto_https off" in caddyfile
    for name, port in ports.items():
        assert f"@{name} path_regexp {name} `{path_regex(PUBLIC_ROUTES[name])}`" in caddyfile
        assert f"handle_path /services/{name}/* {{" in caddyfile
        assert f"header_up X-Forwarded-Prefix /services/{name}" in caddyfile
        assert caddyfile.count(f"reverse_proxy 127.0.0.1:{port}") == 2
    assert f"respond `{NOT_FOUND_BODY}` 404" in caddyfile

    validate = [argv[0], "validate", *argv[2:]]
    result = subprocess.run(validate, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_caddyfile_routes_only_the_services_that_run(tmp_path: Path) -> None:
    caddyfile = render_caddyfile(listen_port=1, upstreams={"quiz": 2}, state_dir=tmp_path)

    assert "@quiz path_regexp" in caddyfile
    assert "@planner" not in caddyfile
    assert route_for("/v1/exercises", ["quiz"]) is None


def test_production_caddyfile_has_the_same_routes_and_caddy_accepts_it(tmp_path: Path) -> None:
    caddyfile_path = REPO_ROOT / "deploy" / "caddy" / "Caddyfile"
    caddyfile = caddyfile_path.read_text(encoding="utf-8")

    for name, patterns in PUBLIC_ROUTES.items():
        host = name.replace("_", "-")  # compose service names are DNS-friendly
        assert f"@{name} path_regexp {name} `{path_regex(patterns)}`" in caddyfile
        assert f"handle_path /services/{name}/* {{" in caddyfile
        assert f"header_up X-Forwarded-Prefix /services/{name}" in caddyfile
        assert caddyfile.count(f"dynamic a {host} 8000") == 2
    # The public site routes no /services/ page: they are on the internal listener only.
    public, internal = caddyfile.split("{$SPINEFIT_INTERNAL_ADDRESS::8081} {")
    assert "handle_path /services/" not in public
    assert internal.count("handle_path /services/") == len(PUBLIC_ROUTES)
    argv, env = prepare_caddy(1, {}, tmp_path, os.environ)
    validate = [argv[0], "validate", "--config", str(caddyfile_path), "--adapter", "caddyfile"]
    result = subprocess.run(validate, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_compose_runs_every_service_in_production_with_readiness_checks() -> None:
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    containers = compose["services"]

    for name in SERVICES:
        container = containers[name.replace("_", "-")]
        assert container["build"]["args"]["SERVICE"] == name
        env = container["environment"]
        assert env["SPINEFIT_ENV"] == "production"
        assert env["SPINEFIT_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["SPINEFIT_OPERATOR_TOKEN"].startswith("${SPINEFIT_OPERATOR_TOKEN:?")
        assert "/readyz" in " ".join(container["healthcheck"]["test"])
    assert containers["postgres"]["image"] == "postgres:15"
    assert "--appendonly" in containers["redis"]["command"]
    assert "./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro" in containers["caddy"]["volumes"]


def test_prometheus_scrapes_every_service_and_the_dashboard_uses_the_metrics() -> None:
    yaml = pytest.importorskip("yaml")
    deploy = REPO_ROOT / "deploy"
    prometheus = yaml.safe_load((deploy / "prometheus" / "prometheus.yml").read_text())
    alerts = yaml.safe_load((deploy / "prometheus" / "alerts.yml").read_text())
    dashboard = json.loads((deploy / "grafana" / "dashboards" / "spinefit.json").read_text())

    jobs = {job["job_name"] for job in prometheus["scrape_configs"]}
    assert set(SERVICES) <= jobs
    assert "/etc/prometheus/alerts.yml" in prometheus["rule_files"]
    rules = {rule["alert"] for group in alerts["groups"] for rule in group["rules"]}
    assert {"SpineFitDeadLetters", "SpineFitConsumerLagGrowing"} <= rules
    assert {"SpineFitOutboxNotDraining", "SpineFitServiceDown"} <= rules
    exprs = " ".join(
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    )
    # Every metric the services define is on the dashboard (histograms by their buckets).
    for metric in _defined_metrics():
        assert metric in exprs, f"{metric} has no panel on the Grafana dashboard"
    for provisioning in ("datasources/prometheus.yml", "dashboards/dashboards.yml"):
        assert yaml.safe_load((deploy / "grafana" / "provisioning" / provisioning).read_text())


# --- (b, c) the launcher as a process -----------------------------------------------------


@dataclass
class Launcher:
    process: subprocess.Popen[str]
    port: int
    ports: dict[str, int]
    data_dir: Path
    lines: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + scaled(timeout_s)
        while text not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"launcher never printed {text!r}; its output:\n{self.output()}")
            time.sleep(0.1)

    def wait_exit(self, timeout_s: float) -> int:
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            pytest.fail(f"launcher still running after {timeout_s}s; output:\n{self.output()}")

    def pids(self) -> dict[str, int]:
        found = re.findall(r"started (\w+) \(pid (\d+)\)", self.output())
        return {name: int(pid) for name, pid in found}

    def redis_url(self) -> str:
        match = re.search(r"Redis\s+(redis://127\.0\.0\.1:\d+/0)", self.output())
        assert match, self.output()
        return match.group(1)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> list[int]:
    """`count` consecutive free loopback ports (the launcher numbers services from a base)."""
    for _ in range(200):
        start = random.randrange(20_000, 60_000)
        ports = list(range(start, start + count))
        if all(_port_free(port) for port in ports):
            return ports
    raise RuntimeError("no free block of ports on 127.0.0.1")


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited; only its parent's bookkeeping is left
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _collect(launcher: Launcher) -> None:
    assert launcher.process.stdout is not None
    for line in launcher.process.stdout:
        launcher.lines.append(line.rstrip("\n"))


StartLauncher = Callable[..., Launcher]


@pytest.fixture
def start_launcher(tmp_path: Path) -> Iterator[StartLauncher]:
    started: list[Launcher] = []

    def start(
        fakes: Mapping[str, str],
        *,
        redis_url: str = UNREACHABLE_REDIS,
        data_dir: Path | None = None,
        port: int | None = None,
        ready_timeout: float = 45.0,
    ) -> Launcher:
        proxy_port, *service_ports = _free_ports(len(fakes) + 1)
        data_dir = data_dir or tmp_path / "var"
        argv = [sys.executable, str(REPO_ROOT / "deploy" / "local" / "run.py")]
        argv += ["--port", str(port or proxy_port), "--data-dir", str(data_dir)]
        argv += [
            "--service-port-base",
            str(service_ports[0]),
            "--ready-timeout",
            str(ready_timeout),
        ]
        for name, attr in fakes.items():
            argv += ["--service", f"{name}={FAKES}:{attr}"]
        env = {key: value for key, value in os.environ.items() if not key.startswith("SPINEFIT_")}
        env.update(SPINEFIT_REDIS_URL=redis_url, PYTHONUNBUFFERED="1", NO_COLOR="1")
        process = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env=env,
            text=True,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        launcher = Launcher(
            process, port or proxy_port, dict(zip(fakes, service_ports, strict=True)), data_dir
        )
        started.append(launcher)
        threading.Thread(target=_collect, args=(launcher,), daemon=True).start()
        return launcher

    yield start
    for launcher in started:  # whatever happened, leave no process behind
        if launcher.process.poll() is None:
            launcher.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                launcher.process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):  # children may outlive their parent
            os.killpg(launcher.process.pid, signal.SIGKILL)
        launcher.process.wait(timeout=10)


def _all_fakes() -> dict[str, str]:
    return {name: name for name in SERVICES}


def _assert_nothing_left(launcher: Launcher, *extra_ports: int) -> None:
    for name, pid in launcher.pids().items():
        assert not _running(pid), f"{name} (pid {pid}) outlived the launcher"
    for port in [launcher.port, *launcher.ports.values(), *extra_ports]:
        assert not _listening(port), f"port {port} still listening"


def test_launcher_serves_every_route_through_one_base_url_and_stops_on_ctrl_c(
    start_launcher: StartLauncher,
) -> None:
    launcher = start_launcher(_all_fakes())
    launcher.wait_for(BANNER)

    output = launcher.output()
    token_file = launcher.data_dir / "operator-token"
    token = token_file.read_text(encoding="utf-8").strip()
    assert f"{BANNER} {launcher.base_url}" in output
    assert token in output
    assert token_file.stat().st_mode & 0o777 == 0o600
    assert "embedded Valkey" in output
    redis_url = launcher.redis_url()
    valkey_port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    headers = {"Authorization": "Bearer t0k", "Idempotency-Key": "k-1", "X-Request-ID": "r-1"}
    with httpx.Client(base_url=launcher.base_url, timeout=5.0, trust_env=False) as client:
        for path, service in ROUTED:
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.text)
            body = response.json()
            assert (body["service"], body["path"]) == (service, path)
            assert body["authorization"] == "Bearer t0k"
            assert body["idempotency_key"] == "k-1"
            assert body["request_id"] == response.headers["X-Request-ID"] == "r-1"
        posted = client.post("/v1/users/u-1/quiz", json={"answers": []}, headers=headers)
        assert posted.json()["service"] == "quiz"

        stripped = client.get("/services/quiz/healthz").json()
        assert stripped["service"] == "quiz"
        assert stripped["path"] == "/healthz"
        assert stripped["forwarded_prefix"] == "/services/quiz"
        assert client.get("/services/quiz/anything").json()["path"] == "/anything"
        assert client.get("/services/flare_detector/metrics").status_code == 404

        for path in NOT_ROUTED:
            response = client.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json() == json.loads(NOT_FOUND_BODY)
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok"}

        minted = client.get("/v1/quiz")  # no X-Request-ID: the proxy makes one and returns it
        assert minted.headers["X-Request-ID"] == minted.json()["request_id"]
        assert len(minted.headers["X-Request-ID"]) == 36

        seen = client.get("/v1/quiz").json()  # what the launcher gave the services
        assert seen["redis_url"] == redis_url
        assert seen["operator_token"] == token
        assert seen["data_dir"] == str(launcher.data_dir)
        assert seen["database_url"] is None

    os.killpg(launcher.process.pid, signal.SIGINT)  # Ctrl-C: the whole process group gets it
    assert launcher.wait_exit(15) == 0, launcher.output()
    _assert_nothing_left(launcher, valkey_port)


def test_launcher_exits_non_zero_naming_a_service_that_crashes_at_start(
    start_launcher: StartLauncher,
) -> None:
    launcher = start_launcher({"tenants": "tenants", "broken": "crash_at_start"})

    assert launcher.wait_exit(60) != 0
    output = launcher.output()
    assert "broken exited with 3" in output
    assert "fake service failing at startup" in output  # its last lines are shown
    assert BANNER not in output
    _assert_nothing_left(launcher)


def test_launcher_names_a_service_that_is_never_ready_and_shows_its_last_lines(
    start_launcher: StartLauncher,
) -> None:
    launcher = start_launcher({"tenants": "tenants", "slow": "never_ready"}, ready_timeout=3)

    assert launcher.wait_exit(scaled(90)) == 1  # 3 s from its first answer, however late
    output = launcher.output()
    assert "not ready after 3s: slow" in output
    assert "slow: HTTP 503 from" in output
    assert '"GET /readyz HTTP/1.1" 503' in output.split("not ready after 3s:")[1]
    assert "tenants is ready" in output
    _assert_nothing_left(launcher)


def test_launcher_waits_for_a_service_still_starting_past_the_timeout(
    start_launcher: StartLauncher,
) -> None:
    """A start-up longer than the timeout that keeps using CPU (imports and migrations on a
    loaded machine) is waited for; the timeout is for a service that answers, not ready."""
    launcher = start_launcher({"tenants": "tenants", "busy": "busy_start"}, ready_timeout=1.5)

    launcher.wait_for(BANNER, timeout_s=90)
    output = launcher.output()
    assert "busy is ready" in output
    assert "not ready after" not in output
    os.killpg(launcher.process.pid, signal.SIGINT)
    assert launcher.wait_exit(scaled(15)) == 0, launcher.output()
    _assert_nothing_left(launcher)


def test_launcher_names_a_service_stuck_starting_without_using_cpu(
    start_launcher: StartLauncher,
) -> None:
    launcher = start_launcher({"tenants": "tenants", "stuck": "stuck_start"}, ready_timeout=2)

    assert launcher.wait_exit(scaled(60)) == 1
    output = launcher.output()
    assert "not ready after 2s: stuck" in output
    assert "stuck: ConnectError from" in output
    assert "starting: no answer yet" in output
    _assert_nothing_left(launcher)


def test_ctrl_c_while_services_start_stops_everything(start_launcher: StartLauncher) -> None:
    launcher = start_launcher({"tenants": "tenants", "slow": "never_ready"})
    launcher.wait_for("slow | INFO:     Application startup complete.", timeout_s=30)

    os.killpg(launcher.process.pid, signal.SIGINT)

    assert launcher.wait_exit(15) == 0, launcher.output()
    assert BANNER not in launcher.output()
    _assert_nothing_left(launcher)


def test_launcher_stops_everything_when_a_service_dies(start_launcher: StartLauncher) -> None:
    launcher = start_launcher({"tenants": "tenants", "quiz": "quiz"}, redis_url=LOCAL_REDIS)
    launcher.wait_for(BANNER)
    expected_redis = (
        f"{LOCAL_REDIS} (already running)" if _redis_answers(LOCAL_REDIS) else "embedded Valkey"
    )
    assert expected_redis in launcher.output()

    os.kill(launcher.pids()["quiz"], signal.SIGKILL)

    assert launcher.wait_exit(20) != 0
    assert "quiz was killed by SIGKILL" in launcher.output()
    _assert_nothing_left(launcher)


def test_a_service_that_ignores_sigterm_is_killed_after_the_grace_period(
    start_launcher: StartLauncher,
) -> None:
    launcher = start_launcher({"tenants": "tenants", "stuck": "hangs_at_stop"})
    launcher.wait_for(BANNER)
    started = time.monotonic()

    launcher.process.send_signal(signal.SIGTERM)

    assert launcher.wait_exit(20) == 0, launcher.output()
    assert 8 < time.monotonic() - started < 16
    assert "stuck ignored SIGTERM" in launcher.output()
    _assert_nothing_left(launcher)


def test_embedded_valkey_keeps_streams_groups_and_token_across_restarts(
    start_launcher: StartLauncher, tmp_path: Path
) -> None:
    data_dir = tmp_path / "kept"
    first = start_launcher({"tenants": "tenants"}, data_dir=data_dir)
    first.wait_for(BANNER)
    client = redis.Redis.from_url(first.redis_url(), socket_timeout=5)
    client.xadd("test.quiz-completed", {"n": "1"})
    client.xgroup_create("test.quiz-completed", "planner", id="0")
    client.close()
    first.process.send_signal(signal.SIGTERM)
    assert first.wait_exit(15) == 0, first.output()

    second = start_launcher({"tenants": "tenants"}, data_dir=data_dir)
    second.wait_for(BANNER)
    client = redis.Redis.from_url(second.redis_url(), socket_timeout=5, decode_responses=True)
    assert client.xlen("test.quiz-completed") == 1
    assert [group["name"] for group in client.xinfo_groups("test.quiz-completed")] == ["planner"]
    client.close()
    token = (data_dir / "operator-token").read_text(encoding="utf-8").strip()
    assert token in first.output() and token in second.output()
    second.process.send_signal(signal.SIGTERM)
    assert second.wait_exit(15) == 0, second.output()


def test_launcher_refuses_a_port_already_in_use(start_launcher: StartLauncher) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        launcher = start_launcher({"tenants": "tenants"}, port=port)

        assert launcher.wait_exit(15) == 1
    assert f"port {port} on 127.0.0.1 (for caddy) is already in use" in launcher.output()


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def _defined_metrics() -> list[str]:
    from prometheus_client import Counter, Gauge, Histogram

    from shared.observability import metrics

    names = []
    for value in vars(metrics).values():
        if isinstance(value, Histogram):
            names.append(f"{value._name}_bucket")
        elif isinstance(value, Counter):
            names.append(f"{value._name}_total")
        elif isinstance(value, Gauge):
            names.append(value._name)
    assert len(names) >= 15
    return names
