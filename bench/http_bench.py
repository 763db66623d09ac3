"""HTTP: requests/s and latency of `POST /v1/users/{user_id}/quiz` on the real quiz service,
next to a bare FastAPI endpoint that only validates the same body and XADDs it.

Each server is its own uvicorn process on 127.0.0.1 (as deployed: `uvicorn module:app`), so
it has a core to itself while this process, the load generator, has the other one.
(Not named `http.py`: `python bench/run.py` puts bench/ first on sys.path, where a module
named `http` would hide the standard library's.)
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter, process_time
from typing import Annotated, Any

import httpx
from fastapi import FastAPI
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from redis.asyncio import Redis

from bench.common import HOST, BenchError, Databases, cpu_seconds_of, free_port, wait_until
from shared.events.quiz_answers import QuizAnswers
from shared.events.streams import stream_name
from shared.settings import ServiceSettings
from tests.factories.quiz import clean_answers

ROOT = Path(__file__).resolve().parent.parent
BARE_STREAM = "bench-bare-quiz"
QUIZ_PATH = "/v1/users/{user_id}/quiz"
STARTUP_TIMEOUT_S = 60.0


# --- The bare endpoint --------------------------------------------------------------------


class BareSettings(ServiceSettings):
    """Read from the same SPINEFIT_* variables as the services (Redis URL, prefix)."""


def build_bare_app() -> FastAPI:
    """One POST: validate `QuizAnswers`, XADD it (trimmed), answer 202. Nothing else."""
    settings = BareSettings()
    redis = Redis.from_url(settings.redis_url)
    stream = stream_name(settings.stream_prefix, BARE_STREAM)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await redis.ping()
        try:
            yield
        finally:
            await redis.aclose()

    app = FastAPI(title="bare", lifespan=lifespan)

    @app.post(QUIZ_PATH, status_code=202)
    async def submit(
        user_id: Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._:@-]{1,128}$")],
        answers: QuizAnswers,
    ) -> JSONResponse:
        await redis.xadd(
            stream,
            {"user_id": user_id, "payload": answers.model_dump_json()},
            maxlen=settings.stream_maxlen,
            approximate=True,
        )
        return JSONResponse({"status": "accepted"}, status_code=202)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


# --- Servers ------------------------------------------------------------------------------


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


def service_env(
    redis_url: str, databases: Databases, prefix: str, operator_token: str
) -> dict[str, str]:
    """The environment a server process gets: the caller's, less any SPINEFIT_ setting, plus
    this run's Redis prefix, databases and a throwaway operator token; quiet logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPINEFIT_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "SPINEFIT_REDIS_URL": redis_url,
            "SPINEFIT_STREAM_PREFIX": prefix,
            "SPINEFIT_DATA_DIR": str(databases.tmp),
            "SPINEFIT_OPERATOR_TOKEN": operator_token,
            "SPINEFIT_LOG_LEVEL": "WARNING",
            "SPINEFIT_LOG_JSON": "false",
        }
    )
    if databases.shared_url:
        env["SPINEFIT_DATABASE_URL"] = databases.shared_url
    return env


def start_server(
    name: str, target: str, env: dict[str, str], log_dir: Path, *, factory: bool = False
) -> Server:
    port = free_port()
    log = log_dir / f"{name}.log"
    argv = [sys.executable, "-m", "bench.serve", target, str(port)]
    if factory:
        argv.append("--factory")
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return Server(name, port, process, log)


async def wait_ready(client: httpx.AsyncClient, server: Server, path: str) -> None:
    async def ready() -> bool:
        if server.process.poll() is not None:
            raise BenchError(
                f"{server.name} server exited with {server.process.returncode}:\n"
                + server.log_tail()
            )
        with contextlib.suppress(httpx.HTTPError):
            response = await client.get(f"{server.base_url}{path}", timeout=5)
            return response.status_code == 200
        return False

    try:
        await wait_until(ready, timeout=STARTUP_TIMEOUT_S, what=f"{server.name} {path}", every=0.1)
    except BenchError as exc:
        raise BenchError(f"{exc}\n{server.name} log:\n{server.log_tail()}") from None


# --- Load ---------------------------------------------------------------------------------


@dataclass
class LoadResult:
    label: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: dict[str, int]
    client_cpu: float
    server_cpu_s: float
    note: str = ""

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else float("inf")

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


Headers = Callable[[int], dict[str, str]]


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams, one connection per worker.

    httpx spends about 1.5 ms of CPU per request here, so with it the load generator (one core)
    tops out near the bare endpoint's rate and would measure itself. This one sends prebuilt
    bytes and reads the status line, headers and a Content-Length or chunked body."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n"
        ).encode() + body
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        try:
            writer.write(request)
            status, close = await self._read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            raise
        if close:
            await self.close()
        return status

    @staticmethod
    async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip().lower()
        if "content-length" in fields:
            await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        return status, fields.get("connection") == "close"

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def fire(
    http: httpx.AsyncClient | None,
    server: Server,
    *,
    total: int,
    concurrency: int,
    body: bytes,
    headers: Headers,
    user_of: Callable[[int], str],
    timeout_s: float,
    label: str,
    note: str = "",
) -> LoadResult:
    """`total` POSTs from `concurrency` workers sharing one counter: with `http`, through that
    httpx client's pool, else each worker over its own raw keep-alive connection."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = itertools.count()

    def failed(key: str) -> None:
        errors[key] = errors.get(key, 0) + 1

    async def worker() -> None:
        raw = None if http else RawClient(HOST, server.port)
        try:
            while (i := next(counter)) < total:
                path = QUIZ_PATH.format(user_id=user_of(i))
                started = perf_counter()
                try:
                    if raw is not None:
                        status = await raw.post(path, body, headers(i))
                    else:
                        assert http is not None
                        response = await http.post(
                            server.base_url + path, content=body, headers=headers(i)
                        )
                        status = response.status_code
                except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    failed(type(exc).__name__)
                    continue
                latencies.append(perf_counter() - started)
                if status not in (200, 202):
                    failed(str(status))
        finally:
            if raw is not None:
                await raw.close()

    cpu_before, server_before = process_time(), cpu_seconds_of(server.process.pid)
    started = perf_counter()
    try:
        await asyncio.wait_for(
            asyncio.gather(*(worker() for _ in range(concurrency))), timeout=timeout_s
        )
    except TimeoutError:
        raise BenchError(
            f"{label}: {len(latencies)}/{total} requests done after {timeout_s:.0f}s"
        ) from None
    elapsed = perf_counter() - started
    return LoadResult(
        label=label,
        requests=total,
        seconds=elapsed,
        latencies=latencies,
        errors=errors,
        client_cpu=(process_time() - cpu_before) / elapsed,
        server_cpu_s=cpu_seconds_of(server.process.pid) - server_before,
        note=note,
    )


# --- The HTTP benchmark -------------------------------------------------------------------


@dataclass(frozen=True)
class HttpConfig:
    redis_url: str
    databases: Databases
    prefix: str
    requests: int
    concurrency: int
    warmup: int
    timeout_s: float
    client: str = "raw"
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))


@dataclass(frozen=True)
class HttpResults:
    quiz: LoadResult
    bare: LoadResult


async def create_tenant(
    client: httpx.AsyncClient, tenants: Server, quiz: Server, token: str
) -> str:
    """A tenant through the operator API; returns its API key once the quiz service knows it."""
    response = await client.post(
        f"{tenants.base_url}/admin/v1/tenants",
        json={"name": "Bench clinic"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    if response.status_code != 201:
        raise BenchError(f"creating a tenant: {response.status_code} {response.text[:300]}")
    key = str(response.json()["api_key"]["key"])

    async def known() -> bool:
        answer = await client.get(
            f"{quiz.base_url}/v1/quiz", headers={"Authorization": f"Bearer {key}"}
        )
        return answer.status_code == 200

    await wait_until(known, timeout=15, what="the quiz service to accept the new key", every=0.05)
    return key


async def run_http(cfg: HttpConfig, log: Callable[[str], None]) -> HttpResults:
    token = secrets.token_urlsafe(32)
    env = service_env(cfg.redis_url, cfg.databases, cfg.prefix, token)
    servers: list[Server] = []
    limits = httpx.Limits(
        max_connections=cfg.concurrency, max_keepalive_connections=cfg.concurrency
    )
    try:
        tenants = start_server("tenants", "services.tenants.app:app", env, cfg.databases.tmp)
        servers.append(tenants)
        quiz = start_server("quiz", "services.quiz.app:app", env, cfg.databases.tmp)
        servers.append(quiz)
        bare = start_server(
            "bare", "bench.http_bench:build_bare_app", env, cfg.databases.tmp, factory=True
        )
        servers.append(bare)
        async with httpx.AsyncClient(limits=limits, timeout=30, trust_env=False) as client:
            await asyncio.gather(
                wait_ready(client, tenants, "/readyz"),
                wait_ready(client, quiz, "/readyz"),
                wait_ready(client, bare, "/healthz"),
            )
            key = await create_tenant(client, tenants, quiz, token)
            body = json.dumps(clean_answers()).encode()
            load_client = client if cfg.client == "httpx" else None

            def headers(i: int) -> dict[str, str]:
                return {
                    "Authorization": f"Bearer {key}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"bench-{cfg.run_id}-{i}",
                }

            results: dict[str, LoadResult] = {}
            for server in (quiz, bare):
                common: dict[str, Any] = {
                    "concurrency": cfg.concurrency,
                    "body": body,
                    "timeout_s": cfg.timeout_s,
                }
                log(f"http: {server.name}: {cfg.warmup} warm-up requests")
                await fire(
                    load_client,
                    server,
                    total=cfg.warmup,
                    headers=lambda i: headers(-1 - i),
                    user_of=lambda i: f"warm-{i}",
                    label=f"{server.name} warm-up",
                    **common,
                )
                log(
                    f"http: {server.name}: {cfg.requests} requests at concurrency {cfg.concurrency}"
                )
                results[server.name] = await fire(
                    load_client,
                    server,
                    total=cfg.requests,
                    headers=headers,
                    user_of=lambda i: f"u-{cfg.run_id}-{i % 500}",
                    label=f"{server.name} POST",
                    note=f"{cfg.client} client",
                    **common,
                )
            return HttpResults(quiz=results["quiz"], bare=results["bare"])
    finally:
        for server in reversed(servers):
            server.stop()
