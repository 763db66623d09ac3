"""`make run`: the whole of SpineFit on this machine, behind one base URL, with no Docker.

python deploy/local/run.py [--port 8080] [--data-dir var] [--service-port-base 8101]
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import typer

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # run as a script: make `deploy` importable
    sys.path.insert(0, str(REPO_ROOT))

from deploy.local import proxy  # noqa: E402
from deploy.local.procs import Console, LaunchError, Supervisor, require_free_ports  # noqa: E402
from deploy.local.redis_local import use_redis  # noqa: E402

DEFAULT_SERVICES = ("tenants", "quiz", "planner", "painlog", "flare_detector", "notifier")
HOST = "127.0.0.1"
CADDY = "caddy"
# Under the data dir: the public OpenAPI document and docs pages the proxy serves.
PUBLIC_SITE_DIR = "public"
PUBLIC_SITE_TIMEOUT_S = 300.0


def parse_services(specs: list[str]) -> dict[str, str]:
    """`NAME=module:attr` items (commas also separate them); none means the real services."""
    items = [item for spec in specs for item in spec.replace(",", " ").split()]
    if not items:
        return {name: f"services.{name}.app:app" for name in DEFAULT_SERVICES}
    services: dict[str, str] = {}
    for item in items:
        name, _, target = item.partition("=")
        if not name.isidentifier() or ":" not in target:
            raise LaunchError(f"--service wants NAME=module:attr, got {item!r}")
        services[name] = target
    return services


def operator_token(data_dir: Path) -> tuple[str, str]:
    """The token from the environment, else the saved one, else a new one saved (0600)."""
    if token := os.environ.get("SPINEFIT_OPERATOR_TOKEN", "").strip():
        return token, "from SPINEFIT_OPERATOR_TOKEN"
    path = data_dir / "operator-token"
    if path.exists():
        path.chmod(0o600)
        if token := path.read_text(encoding="utf-8").strip():
            return token, f"saved in {path}"
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(token + "\n")
    return token, f"new, saved in {path}"


@dataclass(frozen=True)
class Site:
    """The child writing the public document and docs pages, its error log, where they go."""

    child: subprocess.Popen[bytes]
    log: Path
    directory: Path


def start_public_site(options: Options, env: dict[str, str], stack: ExitStack) -> Site | None:
    """Write the public document and docs pages (deploy/public_api.py) in a child of their
    own, meanwhile the services start; only for the real services (stand-ins have none)."""
    if options.services != parse_services([]):
        return None
    argv = [sys.executable, "-m", "deploy.public_api", "--site", str(options.public_dir)]
    # Its errors go to a file, read if it fails: a pipe nobody reads until then could fill.
    log = options.data_dir / "logs" / "public-api.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as errors:
        child = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            argv,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    stack.callback(_stop, child)
    return Site(child, log, options.public_dir)


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.kill()
        child.wait()


def finish_public_site(site: Site | None) -> Path | None:
    """The directory the proxy serves the public site from, once the child has written it."""
    if site is None:
        return None
    try:
        site.child.wait(timeout=PUBLIC_SITE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise LaunchError("the public API document took too long to build") from None
    if site.child.returncode != 0:
        tail = "\n".join(site.log.read_text(encoding="utf-8").strip().splitlines()[-15:])
        raise LaunchError(f"the public API document could not be built:\n{tail}")
    return site.directory


def banner(
    base_url: str,
    token: str,
    token_source: str,
    redis_line: str,
    data_dir: Path,
    docs: bool = True,
) -> str:
    docs_line = f"\n   API docs        {base_url}/docs  (document: {base_url}/openapi.json)"
    return f"""
==================================================================================
 SpineFit is running at {base_url}
   operator token  {token}  ({token_source})
   Redis           {redis_line}
   data dir        {data_dir} (SQLite, one file per service){docs_line if docs else ""}
   logs            here, prefixed with the service name; copies in {data_dir / "logs"}
   a service       {base_url}/services/<name>/healthz | /docs | /metrics
 Try:
   curl -s {base_url}/healthz
   curl -s -X POST {base_url}/admin/v1/tenants -H "Authorization: Bearer {token}" \\
        -H "Content-Type: application/json" -d '{{"name": "Demo clinic"}}'
   curl -s {base_url}/v1/quiz -H "Authorization: Bearer <api_key.key from the answer above>"
 Ctrl-C stops everything.
=================================================================================="""


@dataclass(frozen=True)
class Options:
    port: int
    data_dir: Path
    service_port_base: int
    services: dict[str, str]
    redis_url: str
    ready_timeout: float

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def public_dir(self) -> Path:
        return self.data_dir / PUBLIC_SITE_DIR

    @property
    def ports(self) -> dict[str, int]:
        return {name: self.service_port_base + i for i, name in enumerate(self.services)}


def service_env(options: Options, redis_url: str, token: str) -> dict[str, str]:
    """Defaults, then the user's environment, then what the launcher decided."""
    return {
        "SPINEFIT_ENV": "development",
        "SPINEFIT_PUBLIC_BASE_URL": options.base_url,
        "SPINEFIT_LOG_JSON": "false",  # readable lines in a terminal
        # The notifier may deliver to a receiver on this machine (development only).
        "SPINEFIT_ALLOW_LOOPBACK_WEBHOOKS": str(
            os.environ.get("SPINEFIT_ENV", "development") == "development"
        ).lower(),
        **os.environ,  # SPINEFIT_DATABASE_URL passes through only if the user set it
        "SPINEFIT_REDIS_URL": redis_url,
        "SPINEFIT_DATA_DIR": str(options.data_dir),
        "SPINEFIT_OPERATOR_TOKEN": token,
        "PYTHONUNBUFFERED": "1",
    }


def launch(
    options: Options, console: Console, stop: threading.Event, stack: ExitStack
) -> Supervisor:
    """Start Redis if needed, the services, then the proxy; print the banner once all answer."""
    require_free_ports({CADDY: options.port, **options.ports})
    options.data_dir.mkdir(parents=True, exist_ok=True)
    token, token_source = operator_token(options.data_dir)
    redis_url, redis_line = use_redis(options.redis_url, options.data_dir, console, stack)
    env = service_env(options, redis_url, token)
    supervisor = Supervisor(console, options.data_dir / "logs")
    console.width = max(len(name) for name in [*options.services, CADDY])
    stack.callback(supervisor.stop_all, first=[CADDY])
    site = start_public_site(options, env, stack)
    for name, target in options.services.items():
        argv = [sys.executable, "-m", "uvicorn", target, "--host", HOST]
        argv += ["--port", str(options.ports[name]), "--lifespan", "on"]
        argv += ["--timeout-graceful-shutdown", "5"]
        argv += ["--timeout-keep-alive", str(proxy.SERVICE_KEEPALIVE_S)]
        supervisor.start(name, argv, env, cwd=REPO_ROOT)
    ready = {name: f"http://{HOST}:{port}/readyz" for name, port in options.ports.items()}
    supervisor.wait_ready(ready, options.ready_timeout, stop)
    if stop.is_set():
        return supervisor
    public_dir = finish_public_site(site)
    caddy_dir = options.data_dir / "caddy"
    argv, caddy_env = proxy.prepare_caddy(
        options.port, options.ports, caddy_dir, env, public_dir=public_dir
    )
    supervisor.start(CADDY, argv, caddy_env, cwd=caddy_dir)
    supervisor.wait_ready({CADDY: options.base_url + proxy.PROXY_HEALTH_PATH}, 15.0, stop)
    if not stop.is_set():
        text = banner(
            options.base_url, token, token_source, redis_line, options.data_dir, bool(public_dir)
        )
        console.write(text)
    return supervisor


def main(
    port: int = typer.Option(8080, help="Port of the public base URL on 127.0.0.1."),
    data_dir: Path = typer.Option(Path("var"), envvar="SPINEFIT_DATA_DIR"),
    service_port_base: int = typer.Option(8101, help="The services use this port and the next."),
    service: list[str] = typer.Option(
        [],
        envvar="SPINEFIT_LOCAL_SERVICES",
        help="NAME=module:attr, repeatable: run these instead.",
    ),
    redis_url: str = typer.Option("redis://127.0.0.1:6379/0", envvar="SPINEFIT_REDIS_URL"),
    ready_timeout: float = typer.Option(
        60.0,
        help="Seconds a service may answer /readyz without being ready, or, before it"
        " answers, go without using CPU; one still starting is waited for (up to 10 min).",
    ),
) -> None:
    """Start every SpineFit service behind one Caddy proxy; Ctrl-C stops them all."""
    console = Console(color=sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if not stop.is_set():
            console.say(f"{signal.Signals(signum).name}: stopping everything")
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    data_dir = data_dir.resolve()
    failure = None
    with ExitStack() as stack:
        try:
            services = parse_services(service)
            options = Options(port, data_dir, service_port_base, services, redis_url, ready_timeout)
            launch(options, console, stop, stack).watch(stop)
        except LaunchError as exc:
            failure = str(exc)
            console.say(f"error: {failure}")
            console.say("stopping everything")
    console.say("stopped" if failure is None else f"stopped after: {failure.splitlines()[0]}")
    if failure is not None:
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
