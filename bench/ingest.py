"""`ingest`: `POST /v1/users/{id}/pain` on the real painlog service (one uvicorn worker, a
tenant's key in its replica) next to a bare FastAPI endpoint that validates the same body and
XADDs it; concurrency 16, interleaved (bare, ours, ...), on SQLite and on PostgreSQL.

Each server is its own process, so it has a core while this one generates the load.
"""

from __future__ import annotations

import gc
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx
from fastapi import FastAPI
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from redis.asyncio import Redis

from bench.common import BenchError, wait_until
from bench.loadgen import LoadResult, RequestOf, fire
from bench.procs import Fleet, Server, service_env, service_target
from bench.report import Progress, Report, median
from shared.events.painlog import PainReport
from shared.events.streams import stream_name
from shared.settings import ServiceSettings

BARE_STREAM = "bench-bare-pain"
PAIN_PATH = "/v1/users/{user_id}/pain"
USERS = 500


class BareSettings(ServiceSettings):
    """Read from the same SPINEFIT_* variables as the services (Redis URL, prefix)."""


def build_bare_app() -> FastAPI:
    """One POST: validate `PainReport`, XADD it (trimmed), answer 202. Nothing else; gc frozen
    after start-up, as issue 10's physical limit was measured."""
    settings = BareSettings()
    redis = Redis.from_url(settings.redis_url)
    stream = stream_name(settings.stream_prefix, BARE_STREAM)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await redis.ping()
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await redis.aclose()

    app = FastAPI(title="bare", lifespan=lifespan)

    @app.post(PAIN_PATH, status_code=202)
    async def report_pain(
        user_id: Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._:@-]{1,128}$")],
        report: PainReport,
    ) -> JSONResponse:
        await redis.xadd(
            stream,
            {"user_id": user_id, "payload": report.model_dump_json()},
            maxlen=settings.stream_maxlen,
            approximate=True,
        )
        return JSONResponse({"status": "accepted", "log_id": report.log_id}, status_code=202)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


@dataclass(frozen=True)
class IngestConfig:
    redis_url: str
    prefix: str
    data_dir: Path
    database_url: str | None  # None: SQLite files in data_dir
    label: str
    repeats: int
    seconds: float
    concurrency: int
    warmup_s: float = 1.0


def pain_requests(key: str, run_id: str) -> RequestOf:
    """The i-th request: a next-morning log with its own log_id and Idempotency-Key."""
    observed = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    template = {
        "log_id": "",
        "observed_at": observed,
        "level": 3,
        "context": "next_morning",
        "qualities": ["ache"],
        "locations": ["lower_back", "buttock"],
        "morning": {"hours_sat": 5, "heavy_lifting": False, "sleep_hours": 7},
    }
    base = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def request_of(i: int) -> tuple[str, bytes, dict[str, str]]:
        body = json.dumps({**template, "log_id": f"b-{run_id}-{i}"}).encode()
        headers = {**base, "Idempotency-Key": f"bench-{run_id}-{i}"}
        return PAIN_PATH.format(user_id=f"u-{run_id}-{i % USERS}"), body, headers

    return request_of


async def create_tenant(tenants: Server, painlog: Server, token: str) -> str:
    """A tenant through the operator API; its key, once the painlog replica knows it."""
    async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
        response = await client.post(
            f"{tenants.base_url}/admin/v1/tenants",
            json={"name": "Bench clinic"},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 201:
            raise BenchError(f"creating a tenant: {response.status_code} {response.text[:300]}")
        key = str(response.json()["api_key"]["key"])

        last: list[int] = []

        async def known() -> bool:
            answer = await client.get(
                f"{painlog.base_url}{PAIN_PATH.format(user_id='probe')}",
                headers={"Authorization": f"Bearer {key}"},
            )
            last.append(answer.status_code)
            return answer.status_code in (200, 404)  # 404: nothing logged yet, key known

        try:
            await wait_until(known, timeout=30, what="painlog to accept the new key", every=0.05)
        except BenchError as exc:
            raise BenchError(f"{exc}, statuses {last[-3:]}\n{painlog.log_tail()}") from None

    return key


async def run_ingest(cfg: IngestConfig, report: Report, log: Progress) -> None:
    token = secrets.token_urlsafe(32)
    env = service_env(
        redis_url=cfg.redis_url,
        prefix=cfg.prefix,
        data_dir=cfg.data_dir,
        operator_token=token,
        database_url=cfg.database_url,
    )
    with Fleet(cfg.data_dir) as fleet:
        started = await fleet.start_all(
            [(n, service_target(n), env) for n in ("tenants", "painlog")]
        )
        bare = await fleet.start(
            "bare", "bench.ingest:build_bare_app", env, factory=True, ready="/healthz"
        )
        tenants, painlog = started["tenants"], started["painlog"]
        key = await create_tenant(tenants, painlog, token)
        run_id = secrets.token_hex(4)
        request_of = pain_requests(key, run_id)
        counter = 0
        results: dict[str, list[LoadResult]] = {"bare": [], "painlog": []}
        for server in (bare, painlog):  # warm-up: imports, connections, caches
            warm = await fire(
                server.port,
                server.process.pid,
                request_of,
                seconds=cfg.warmup_s,
                concurrency=cfg.concurrency,
                first=counter,
            )
            counter += warm.requests + cfg.concurrency
        for i in range(cfg.repeats):
            for server in (bare, painlog):
                result = await fire(
                    server.port,
                    server.process.pid,
                    request_of,
                    seconds=cfg.seconds,
                    concurrency=cfg.concurrency,
                    first=counter,
                )
                counter += result.requests + cfg.concurrency
                if result.error_count:
                    raise BenchError(
                        f"{server.name}: {result.errors} in {result.requests} requests\n"
                        + server.log_tail()
                    )
                results[server.name].append(result)
                log(
                    f"ingest {cfg.label} run {i + 1} {server.name}: {result.per_s:,.0f} req/s, "
                    f"p50 {result.percentile(50):.1f} ms, p99 {result.percentile(99):.1f} ms, "
                    f"server cpu {result.server_cpu_s / max(1, result.requests) * 1000:.2f} "
                    f"ms/req, client cpu {result.client_cpu:.0%}"
                )
    ours, base = results["painlog"], results["bare"]
    label = cfg.label
    report.ratio(
        f"ingest_ratio_{label}",
        [r.per_s for r in ours],
        [r.per_s for r in base],
        unit="req/s",
        note=f"concurrency {cfg.concurrency}, {cfg.seconds:g} s runs, 1 uvicorn worker",
    )
    report.ratio(
        f"ingest_p99_ratio_{label}",
        [r.percentile(99) for r in ours],
        [r.percentile(99) for r in base],
        unit="ms",
        note="p99 latency",
    )
    for name, runs in (("painlog", ours), ("bare", base)):
        report.extra[f"ingest_{name}_req_s_{label}"] = median([r.per_s for r in runs])
        report.extra[f"ingest_{name}_p50_ms_{label}"] = median([r.percentile(50) for r in runs])
        report.extra[f"ingest_{name}_p99_ms_{label}"] = median([r.percentile(99) for r in runs])
        report.extra[f"ingest_{name}_cpu_ms_per_req_{label}"] = median(
            [r.server_cpu_s / max(1, r.requests) * 1000 for r in runs]
        )
