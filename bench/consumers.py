"""`detector`, `planner` and `replicas`: the real services, each a uvicorn process with its
own subscriptions (whatever services/<name>/consumers.py registers at the time), draining
backlogs XADDed the way the outbox relay writes them, next to the bare redis-py loop on the
same entries. Interleaved: ours, bare, ours, bare, ...; each pair on a chunk of its own."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bench.common import BenchError
from bench.procs import Fleet, service_env, service_target
from bench.report import Progress, Report
from bench.streams import Encoded, bare_consume, drain, encode_all, last_ids
from bench.workload import detector_mix, quizzes, take
from shared.events.base import Event
from shared.events.painlog import PainLogged, SessionDone
from shared.events.quiz import QuizCompleted
from shared.events.streams import PLAN_GENERATED, stream_name

MODELS: dict[str, type[Event]] = {
    e.TYPE: e
    for e in (SessionDone, PainLogged, QuizCompleted)  # type: ignore[misc]
}


@dataclass(frozen=True)
class ConsumerConfig:
    redis_url: str
    prefix: str
    data_dir: Path
    database_url: str
    repeats: int
    seconds: float
    timeout_s: float
    users: int = 10_000
    warmup: int = 300
    min_chunk: int = 200
    max_chunk: int = 20_000


def env_of(cfg: ConsumerConfig, **extra: str) -> dict[str, str]:
    return service_env(
        redis_url=cfg.redis_url,
        prefix=cfg.prefix,
        data_dir=cfg.data_dir,
        operator_token=secrets.token_urlsafe(32),
        database_url=cfg.database_url,
        **extra,
    )


def models_of(prefix: str, batch: Encoded) -> dict[str, type[Event]]:
    return {s: MODELS[s.removeprefix(prefix)] for s in batch.streams}


def chunk_size(rate: float, cfg: ConsumerConfig, left: int) -> int:
    """Events for one measured run: about `seconds` at the rate seen so far."""
    return max(cfg.min_chunk, min(cfg.max_chunk, int(rate * cfg.seconds), left))


Done = Callable[[], Awaitable[bool]]


async def pairs(
    redis: Redis,
    cfg: ConsumerConfig,
    group: str,
    next_chunk: Callable[[int], Awaitable[Encoded]],
    *,
    label: str,
    log: Progress,
    extra_done: Callable[[int], Done] | None = None,
) -> tuple[list[float], list[float], int]:
    """A warm-up drain (which sizes the chunks), then `repeats` pairs of (ours, bare)."""
    warm = await next_chunk(cfg.warmup)
    rate = (await drain(redis, warm, group, timeout_s=cfg.timeout_s)).per_s
    log(f"{label}: warm-up {len(warm)} events at {rate:,.0f}/s")
    ours: list[float] = []
    bare: list[float] = []
    n = chunk_size(rate, cfg, cfg.max_chunk)
    for i in range(cfg.repeats):
        batch = await next_chunk(n)
        since = await last_ids(redis, sorted(batch.streams))
        done = extra_done(len(batch)) if extra_done else None
        o = await drain(redis, batch, group, timeout_s=cfg.timeout_s, done=done)
        b = await bare_consume(
            redis,
            since,
            models_of(cfg.prefix, batch),
            len(batch),
            group=f"bare_{label}_{i}",
            timeout_s=cfg.timeout_s,
        )
        log(
            f"{label} run {i + 1}: {len(batch)} events, "
            f"ours {o.per_s:,.0f}/s, bare {b.per_s:,.0f}/s"
        )
        ours.append(o.per_s)
        bare.append(b.per_s)
    return ours, bare, n


async def run_detector(cfg: ConsumerConfig, report: Report, log: Progress) -> None:
    log(f"detector: simulating {cfg.users:,} users")
    mix = detector_mix(cfg.users)

    async def next_chunk(n: int) -> Encoded:
        events = take(mix, n)
        if len(events) < n:
            raise BenchError(f"the simulated mix ran out ({len(events)} < {n} events)")
        return await encode_all(cfg.prefix, events)

    redis = Redis.from_url(cfg.redis_url, socket_timeout=30)
    try:
        with Fleet(cfg.data_dir) as fleet:
            await fleet.start("flare_detector", service_target("flare_detector"), env_of(cfg))
            ours, bare, n = await pairs(
                redis, cfg, "flare_detector", next_chunk, label="detector", log=log
            )
    finally:
        await redis.aclose()
    report.ratio(
        "detector_ratio_pg",
        ours,
        bare,
        unit="ev/s",
        note=f"{cfg.users:,} users' sessions and logs in event time, {n:,} per run",
    )


async def run_planner(cfg: ConsumerConfig, report: Report, log: Progress) -> None:
    redis = Redis.from_url(cfg.redis_url, socket_timeout=30)
    plans = stream_name(cfg.prefix, PLAN_GENERATED)
    runs = iter(range(1_000))

    async def next_chunk(n: int) -> Encoded:
        return await encode_all(cfg.prefix, quizzes(n, f"r{next(runs)}"))

    async def length() -> int:
        try:
            return int(await redis.xlen(plans))
        except ResponseError:
            return 0

    def plans_out(n: int) -> Done:
        target: list[int] = []

        async def done() -> bool:
            if not target:
                target.append(await length() + n)
            return await length() >= target[0]

        return done

    try:
        with Fleet(cfg.data_dir) as fleet:
            await fleet.start("planner", service_target("planner"), env_of(cfg))
            ours, bare, n = await pairs(
                redis, cfg, "planner", next_chunk, label="planner", log=log, extra_done=plans_out
            )
    finally:
        await redis.aclose()
    report.ratio(
        "planner_ratio_pg",
        ours,
        bare,
        unit="ev/s",
        note=f"quiz-completed -> plan-generated on the stream, {n:,} new users per run",
    )


async def run_replicas(cfg: ConsumerConfig, report: Report, log: Progress) -> None:
    """One replica drains a chunk, then two (same group, two consumer names), alternately."""
    log(f"replicas: simulating {cfg.users:,} users")
    mix = detector_mix(cfg.users, seed=10_000)
    redis = Redis.from_url(cfg.redis_url, socket_timeout=30)

    async def chunk(n: int) -> Encoded:
        return await encode_all(cfg.prefix, take(mix, n))

    one: list[float] = []
    two: list[float] = []
    try:
        with Fleet(cfg.data_dir) as fleet:
            target = service_target("flare_detector")
            await fleet.start("detector-1", target, env_of(cfg, consumer_name="replica-1"))
            warm = await chunk(cfg.warmup)
            rate = (await drain(redis, warm, "flare_detector", timeout_s=cfg.timeout_s)).per_s
            n = chunk_size(rate, cfg, cfg.max_chunk)
            for i in range(cfg.repeats):
                single = await drain(
                    redis, await chunk(n), "flare_detector", timeout_s=cfg.timeout_s
                )
                second = await fleet.start(
                    "detector-2", target, env_of(cfg, consumer_name="replica-2")
                )
                # Untimed: the new process's first batches (connections, lazy imports).
                await drain(
                    redis, await chunk(cfg.min_chunk), "flare_detector", timeout_s=cfg.timeout_s
                )
                double = await drain(
                    redis, await chunk(n), "flare_detector", timeout_s=cfg.timeout_s
                )
                fleet.stop(second)
                log(
                    f"replicas run {i + 1}: {n} events, "
                    f"one {single.per_s:,.0f}/s, two {double.per_s:,.0f}/s"
                )
                one.append(single.per_s)
                two.append(double.per_s)
    finally:
        await redis.aclose()
    report.ratio(
        "replicas_speedup_pg",
        two,
        one,
        unit="ev/s",
        note=f"two detector processes / one, {n:,} events per run (2 cores, shared)",
    )
    report.extra["replicas_events_per_run"] = n
