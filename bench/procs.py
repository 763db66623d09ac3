"""Service processes for the benchmark: each a uvicorn process on loopback (as deployed, one
worker), configured through SPINEFIT_* variables only, with its log in the run's temp dir."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import HOST, BenchError, free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 90.0


def service_env(
    *,
    redis_url: str,
    prefix: str,
    data_dir: Path,
    operator_token: str,
    database_url: str | None = None,
    **extra: str,
) -> dict[str, str]:
    """The caller's environment less any SPINEFIT_ setting, plus this run's Redis prefix,
    databases (SQLite files in `data_dir`, or one PostgreSQL database) and a throwaway
    operator token; quiet logs. `extra` adds SPINEFIT_<NAME> variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPINEFIT_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "SPINEFIT_REDIS_URL": redis_url,
            "SPINEFIT_STREAM_PREFIX": prefix,
            "SPINEFIT_DATA_DIR": str(data_dir),
            "SPINEFIT_OPERATOR_TOKEN": operator_token,
            "SPINEFIT_LOG_LEVEL": "WARNING",
            "SPINEFIT_LOG_JSON": "false",
            "SPINEFIT_STREAM_MAXLEN": "1000000",
            # One tenant sends the whole load: its limit is still checked on every request
            # (its cost is measured), but never reached.
            "SPINEFIT_TENANT_RATE_LIMIT": "1000000/second",
        }
    )
    if database_url:
        env["SPINEFIT_DATABASE_URL"] = database_url
    env.update({f"SPINEFIT_{k.upper()}": v for k, v in extra.items()})
    return env


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(
    name: str, target: str, env: dict[str, str], log_dir: Path, *, factory: bool = False
) -> Server:
    """`python -m bench.serve target port`: uvicorn, dying with this process."""
    port = free_port()
    log = log_dir / f"{name}.log"
    argv = [sys.executable, "-m", "bench.serve", target, str(port)]
    if factory:
        argv.append("--factory")
    with log.open("ab") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return Server(name, port, process, log)


def service_target(name: str) -> str:
    return f"services.{name}.app:app"


async def wait_ready(server: Server, path: str = "/readyz") -> None:
    async with httpx.AsyncClient(timeout=5, trust_env=False) as client:

        async def ready() -> bool:
            if server.process.poll() is not None:
                raise BenchError(
                    f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(f"{server.base_url}{path}")
                return response.status_code == 200
            return False

        try:
            await wait_until(
                ready, timeout=STARTUP_TIMEOUT_S, what=f"{server.name}{path}", every=0.1
            )
        except BenchError as exc:
            raise BenchError(f"{exc}\n{server.name} log:\n{server.log_tail()}") from None


class Fleet:
    """The processes of one part; all stopped at the end, whatever happened."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.servers: list[Server] = []

    async def start(
        self,
        name: str,
        target: str,
        env: dict[str, str],
        *,
        factory: bool = False,
        ready: str = "/readyz",
    ) -> Server:
        server = start_server(name, target, env, self.log_dir, factory=factory)
        self.servers.append(server)
        await wait_ready(server, ready)
        return server

    async def start_all(self, specs: list[tuple[str, str, dict[str, str]]]) -> dict[str, Server]:
        """Start several at once (imports and migrations overlap), wait for all."""
        started = [start_server(n, t, e, self.log_dir) for n, t, e in specs]
        self.servers += started
        await asyncio.gather(*(wait_ready(s) for s in started))
        return {s.name: s for s in started}

    def stop(self, server: Server) -> None:
        server.stop()
        self.servers.remove(server)

    def stop_all(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        self.servers.clear()

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        try:
            if isinstance(exc, BenchError) and self.servers:
                # Why a service did not keep up is in its log: say it with the error.
                tails = "\n".join(f"--- {s.name} log:\n{s.log_tail(12)}" for s in self.servers)
                exc.args = (f"{exc}\n{tails}",)
        finally:
            self.stop_all()
