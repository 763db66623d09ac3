"""`spawn`: how long a killed service takes to serve again, from the process's spawn to its
`/readyz` answering 200, for the three services a rule-one report crosses (painlog, the flare
detector, the planner) on SQLite with their tables already migrated (a restart, not a first
start), next to a bare uvicorn app answering `/healthz`
(the interpreter, uvicorn and FastAPI alone: bench.ingest's bare endpoint). Interleaved
(bare, ours, bare, ours, ...) and repeated; the median ratio per service, and the seconds.

A consumer's backlog waits for this: everything a service does before it is ready (imports,
migration checks, the key replica, consumer groups) stands between a crash and draining it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from bench.procs import service_env, service_target, start_server, wait_ready
from bench.report import Progress, Report, median

SERVICES = ("painlog", "flare_detector", "planner")
BARE_APP = "bench.ingest:build_bare_app"


@dataclass(frozen=True)
class SpawnConfig:
    redis_url: str
    prefix: str
    data_dir: Path
    repeats: int


async def time_to_ready(
    name: str, target: str, env: dict[str, str], log_dir: Path, path: str, *, factory: bool
) -> float:
    started = perf_counter()
    server = start_server(name, target, env, log_dir, factory=factory)
    try:
        await wait_ready(server, path)
        return perf_counter() - started
    finally:
        server.stop()


async def run_spawn(cfg: SpawnConfig, report: Report, log: Progress) -> None:
    env = service_env(
        redis_url=cfg.redis_url,
        prefix=cfg.prefix,
        data_dir=cfg.data_dir,
        operator_token=secrets.token_urlsafe(32),
    )
    for name in SERVICES:  # the first start creates the tables: not what a restart does
        await time_to_ready(name, service_target(name), env, cfg.data_dir, "/readyz", factory=False)
    ours: dict[str, list[float]] = {name: [] for name in SERVICES}
    bare: dict[str, list[float]] = {name: [] for name in SERVICES}
    for run in range(cfg.repeats):
        for name in SERVICES:
            bare[name].append(
                await time_to_ready("bare", BARE_APP, env, cfg.data_dir, "/healthz", factory=True)
            )
            ours[name].append(
                await time_to_ready(
                    name, service_target(name), env, cfg.data_dir, "/readyz", factory=False
                )
            )
            log(f"spawn run {run + 1}: {name} {ours[name][-1]:.2f} s, bare {bare[name][-1]:.2f} s")
    for name in SERVICES:
        report.ratio(
            f"spawn_ready_ratio_{name}",
            ours[name],
            bare[name],
            unit="s",
            note="spawn -> /readyz 200 on a restart (SQLite, tables migrated) / a bare app's",
        )
        report.extra[f"spawn_ready_s_{name}"] = round(median(ours[name]), 3)
