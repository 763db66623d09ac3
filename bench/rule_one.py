"""`rule_one`: how long a rule-one report takes to reach the plan with all six services
running as processes (SQLite files in a temp dir, a stream prefix of the run's own), while a
background of ordinary pain logs (XADDed to pain-logged at a paced rate) keeps the detector
busy. Latency: from the session POST's 202 to the user's `plan-generated` entry on the
stream (or its priority lane, whichever comes first)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any, cast

import httpx
from faststream.redis.parser import BinaryMessageFormatV1
from redis.asyncio import Redis

from bench.common import BenchError, wait_until
from bench.loadgen import LoadResult
from bench.procs import Fleet, Server, service_env, service_target
from bench.report import Progress, Report
from bench.streams import DATA_FIELD, StreamResponse, encode, last_ids
from shared.events.painlog import MorningContext, PainLogged
from shared.events.streams import PAIN_LOGGED, PLAN_GENERATED, PRIORITY_LANE, lane_name, stream_name
from tests.factories.quiz import clean_answers

SERVICES = ("tenants", "quiz", "planner", "painlog", "flare_detector", "notifier")
BACKGROUND_USERS = 2_000
TICK_S = 0.01


@dataclass(frozen=True)
class RuleOneConfig:
    redis_url: str
    prefix: str
    data_dir: Path
    samples: int
    background_rate: int
    interval_s: float = 0.3
    lead_s: float = 2.0  # background before the first rule-one report
    wait_s: float = 30.0  # after the last report, at most


def session_body(user: str, exercise: str, n: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "session_id": f"r1-{user}-{n}",
        "started_at": (now - timedelta(minutes=40)).isoformat(),
        "completed_at": (now - timedelta(minutes=1)).isoformat(),
        "exercises": [
            {
                "exercise_id": exercise,
                "sets": 2,
                "reps": 10,
                "pain_during": 6,
                "pain_qualities": ["shooting"],
                "pain_locations": ["thigh", "calf"],
            }
        ],
    }


class PlanWatcher:
    """Reads plan-generated (and its priority lane) from now on: first arrival per user."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        main = stream_name(prefix, PLAN_GENERATED)
        self.streams = [main, lane_name(main, PRIORITY_LANE)]
        self.arrived: dict[str, float] = {}
        self.watching: set[str] = set()

    async def run(self) -> None:
        ids: dict[Any, Any] = dict(await last_ids(self.redis, self.streams))
        while True:
            response = cast(StreamResponse, await self.redis.xread(ids, count=500, block=200))
            now = perf_counter()
            for raw_stream, entries in response or []:
                for entry_id, fields in entries:
                    ids[raw_stream.decode()] = entry_id
                    body = json.loads(BinaryMessageFormatV1.parse(fields[DATA_FIELD])[0])
                    user = str(body.get("user_id"))
                    if user in self.watching and user not in self.arrived:
                        self.arrived[user] = now


async def background(redis: Redis, prefix: str, rate: int, sent: list[int]) -> None:
    """Ordinary next-morning pain logs of other users, paced at `rate` per second."""
    stream = stream_name(prefix, PAIN_LOGGED)
    started = perf_counter()
    while True:
        due = int((perf_counter() - started) * rate) - sent[0]
        if due > 0:
            observed = datetime.now(UTC) - timedelta(minutes=10)
            async with redis.pipeline(transaction=False) as pipe:
                for i in range(sent[0], sent[0] + due):
                    event = PainLogged(
                        tenant_id="tn_background",
                        user_id=f"bg-{i % BACKGROUND_USERS}",
                        log_id=f"bg-{i}",
                        observed_at=observed,
                        level=2 + i % 2,
                        context="next_morning",
                        qualities=("ache",),
                        locations=("lower_back", "buttock"),
                        morning=MorningContext(hours_sat=4, heavy_lifting=False, sleep_hours=7),
                    )
                    pipe.xadd(stream, {DATA_FIELD: await encode(event)}, maxlen=1_000_000)
                await pipe.execute()
            sent[0] += due
        await asyncio.sleep(TICK_S)


async def prepare_users(
    client: httpx.AsyncClient, servers: dict[str, Server], token: str, users: list[str]
) -> tuple[str, dict[str, str]]:
    """A tenant, a clean quiz per user, and each user's plan: (key, user -> an exercise)."""
    response = await client.post(
        f"{servers['tenants'].base_url}/admin/v1/tenants",
        json={"name": "Rule one clinic"},
        headers={"Authorization": f"Bearer {token}"},
    )
    if response.status_code != 201:
        raise BenchError(f"creating a tenant: {response.status_code} {response.text[:300]}")
    key = str(response.json()["api_key"]["key"])
    auth = {"Authorization": f"Bearer {key}"}
    for user in users:
        answer = await client.post(
            f"{servers['quiz'].base_url}/v1/users/{user}/quiz", json=clean_answers(), headers=auth
        )
        if answer.status_code != 202:
            raise BenchError(f"quiz for {user}: {answer.status_code} {answer.text[:300]}")
    exercises: dict[str, str] = {}

    async def planned() -> bool:
        for user in users:
            if user in exercises:
                continue
            plan = await client.get(
                f"{servers['planner'].base_url}/v1/users/{user}/plan", headers=auth
            )
            if plan.status_code != 200:
                return False
            ids = [x["id"] for x in plan.json()["exercises"]]
            exercises[user] = "glute-bridge" if "glute-bridge" in ids else ids[0]
        return True

    await wait_until(planned, timeout=60, what=f"plans for {len(users)} users", every=0.2)
    return key, exercises


def percentile(values: list[float], q: float) -> float:
    return LoadResult(len(values), 1.0, values, {}, 0.0, 0.0).percentile(q)


async def run_rule_one(cfg: RuleOneConfig, report: Report, log: Progress) -> None:
    token = secrets.token_urlsafe(32)
    env = service_env(
        redis_url=cfg.redis_url, prefix=cfg.prefix, data_dir=cfg.data_dir, operator_token=token
    )
    users = [f"r1-{uuid.uuid4().hex[:8]}-{i}" for i in range(cfg.samples)]
    redis = Redis.from_url(cfg.redis_url, socket_timeout=30)
    tasks: list[asyncio.Task[None]] = []
    sent = [0]
    accepted_wall: dict[str, float] = {}
    hops: dict[str, list[float]] = {}
    try:
        with Fleet(cfg.data_dir) as fleet:
            log("rule_one: starting the six services")
            servers = await fleet.start_all([(n, service_target(n), env) for n in SERVICES])
            async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
                key, exercises = await prepare_users(client, servers, token, users)
                watcher = PlanWatcher(redis, cfg.prefix)
                tasks.append(asyncio.create_task(watcher.run()))
                tasks.append(
                    asyncio.create_task(background(redis, cfg.prefix, cfg.background_rate, sent))
                )
                await asyncio.sleep(cfg.lead_s)
                log(f"rule_one: {cfg.samples} rule-one sessions under {cfg.background_rate}/s")
                accepted: dict[str, float] = {}
                auth = {"Authorization": f"Bearer {key}"}
                bg_started = perf_counter() - cfg.lead_s
                for i, user in enumerate(users):
                    tick = perf_counter()
                    watcher.watching.add(user)
                    answer = await client.post(
                        f"{servers['painlog'].base_url}/v1/users/{user}/sessions",
                        json=session_body(user, exercises[user], i),
                        headers=auth,
                    )
                    if answer.status_code != 202:
                        raise BenchError(f"session: {answer.status_code} {answer.text[:300]}")
                    accepted[user] = perf_counter()
                    accepted_wall[user] = time.time()
                    await asyncio.sleep(max(0.0, cfg.interval_s - (perf_counter() - tick)))
                bg_rate = sent[0] / (perf_counter() - bg_started)
                with contextlib.suppress(BenchError):
                    await wait_until(
                        lambda: _all_in(watcher, users),
                        timeout=cfg.wait_s,
                        what="every rule-one plan",
                        every=0.05,
                    )
    finally:
        for task in tasks:
            task.cancel()
        # Bounded: a task stuck in a Redis read that ignores its cancellation (seen once)
        # must not hold the part until the bench's cut-off.
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        with contextlib.suppress(Exception):
            hops = await asyncio.wait_for(hop_times(redis, cfg.prefix, accepted_wall), 30)
        await redis.aclose()
    latencies = [
        (watcher.arrived[u] - accepted[u]) if u in watcher.arrived else cfg.wait_s for u in users
    ]
    missed = sum(u not in watcher.arrived for u in users)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    note = f"{cfg.samples} sessions, background {bg_rate:,.0f} ev/s"
    if missed:
        note += f", {missed} never arrived in {cfg.wait_s:.0f} s (counted as {cfg.wait_s:.0f} s)"
    report.figure("rule_one_p50_ms", p50, ours=f"{p50:,.1f} ms", note=note)
    report.figure("rule_one_p99_ms", p99, ours=f"{p99:,.1f} ms", note=note)
    for hop, values in hops.items():
        if values:
            p50h, p99h = percentile(values, 50), percentile(values, 99)
            report.extra[f"rule_one_{hop}_p50_ms"] = p50h
            report.extra[f"rule_one_{hop}_p99_ms"] = p99h
            log(f"rule_one: hop {hop}: p50 {p50h:,.1f} ms, p99 {p99h:,.1f} ms")
    report.extra["rule_one_missed"] = missed
    report.extra["rule_one_background_ev_s"] = bg_rate
    log(f"rule_one: p50 {p50:,.1f} ms, p99 {p99:,.1f} ms, missed {missed}")


HOPS = (
    ("painlog", lane_name("session-done", PRIORITY_LANE)),
    ("detector", lane_name("exercise-removed", PRIORITY_LANE)),
    ("planner", PLAN_GENERATED),
)


async def hop_times(
    redis: Redis, prefix: str, accepted_wall: dict[str, float]
) -> dict[str, list[float]]:
    """Where a rule-one report's time goes, hop by hop, from the times Redis gave the entries
    each service wrote (an entry id starts with the server's clock in ms): 202 -> the
    session on the priority lane (painlog's outbox relay), -> the removal on its lane (the
    flare detector), -> plan-generated (the planner)."""
    reached: dict[str, dict[str, list[float]]] = {}
    for hop, suffix in HOPS:
        times: dict[str, list[float]] = {}
        entries = cast(
            list[tuple[bytes, dict[bytes, bytes]]],
            await redis.xrange(stream_name(prefix, suffix)),
        )
        for entry_id, fields in entries:
            user = str(json.loads(BinaryMessageFormatV1.parse(fields[DATA_FIELD])[0])["user_id"])
            if user in accepted_wall:
                times.setdefault(user, []).append(int(entry_id.split(b"-")[0]) / 1000)
        reached[hop] = times
    # In seconds, as `percentile` takes them; each hop is the first entry after the last.
    hops: dict[str, list[float]] = {hop: [] for hop, _ in HOPS}
    for user, start in accepted_wall.items():
        before = start - 0.001  # entry ids have millisecond resolution
        for hop, _ in HOPS:
            later = [t for t in reached[hop].get(user, []) if t >= before]
            if not later:
                break
            hops[hop].append(max(0.0, later[0] - before))
            before = later[0]
    return hops


async def _all_in(watcher: PlanWatcher, users: list[str]) -> bool:
    return all(u in watcher.arrived for u in users)
