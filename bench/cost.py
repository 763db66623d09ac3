"""`cost_users` and `cost_history`: what one event costs the flare detector as the number of
users grows (1,000 -> 1,000,000, same history each) and as one user's history grows (10 ->
500 sessions). The detector runs as its process on PostgreSQL; populations are a template
user's history (built through the detector itself) copied in bulk (bench/population.py).
Cost per event = drain time of a chunk of events, each for a different user, / its size."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redis.asyncio import Redis

from bench.common import BenchError
from bench.population import clone_user, table_bytes
from bench.procs import Fleet, service_env, service_target
from bench.report import Progress, Report
from bench.streams import Rate, drain, encode_all
from bench.workload import TENANT, DetectorEvent
from shared.events.base import Event
from shared.events.painlog import MorningContext
from tests.factories.flare_sim import PLAN, SimConfig, pain_event, session_event, simulate_user

GROUP = "flare_detector"


@dataclass(frozen=True)
class CostConfig:
    redis_url: str
    prefix: str
    data_dir: Path
    repeats: int
    seconds: float
    timeout_s: float
    users_small: int = 1_000
    users_large: int = 1_000_000
    populate_budget_s: float = 90.0
    history_users: int = 1_000
    min_chunk: int = 50
    max_chunk: int = 3_000


def next_event(user: str, at: datetime, j: int) -> DetectorEvent:
    """The j-th new event of a populated user: a morning log or a session, alternately."""
    if j % 2 == 0:
        return pain_event(
            TENANT,
            user,
            f"{user}-x{j}",
            at,
            2,
            "next_morning",
            locations=("lower_back", "buttock"),
            morning=MorningContext(hours_sat=4, heavy_lifting=False, sleep_hours=7),
        )
    return session_event(TENANT, user, f"{user}-xs{j}", at, list(PLAN[j % 4 : j % 4 + 3]))


async def feed(redis: Redis, prefix: str, events: Sequence[Event], timeout_s: float) -> Rate:
    return await drain(redis, await encode_all(prefix, events), GROUP, timeout_s=timeout_s)


def chunk_of(rate: float, cfg: CostConfig, population: int) -> int:
    return max(cfg.min_chunk, min(cfg.max_chunk, population, int(rate * cfg.seconds)))


async def measure(
    redis: Redis,
    cases: list[tuple[str, str, int]],  # (label, prefix, population)
    name_of: dict[str, str],
    cfg: CostConfig,
    after: datetime,
    log: Progress,
) -> dict[str, list[float]]:
    """Interleaved runs over the cases, each a chunk of new events for distinct random users;
    returns label -> per-event cost in ms of each run. Touch j moves every event 10 h on."""
    costs: dict[str, list[float]] = {label: [] for label, _, _ in cases}
    rng = random.Random(1)
    sizes: list[int] = []
    for j in range(cfg.repeats + 1):  # j == 0: warm-up (sizes the chunks)
        # Every case gets chunks of one size: a batch-first handler gains from bigger ones.
        n = min(sizes) if j else cfg.min_chunk
        for label, prefix, population in cases:
            chosen = rng.sample(range(population), min(n, population))
            at = after + timedelta(hours=10 * j)
            events = [next_event(f"{name_of[label]}{i}", at, j) for i in chosen]
            rate = await feed(redis, prefix, events, cfg.timeout_s)
            if j == 0:
                sizes.append(chunk_of(rate.per_s, cfg, population))
                continue
            costs[label].append(1000 / rate.per_s)
            log(f"{label} run {j}: {len(events)} events, {1000 / rate.per_s:.2f} ms/event")
    return costs


def detector_env(cfg: CostConfig, prefix: str, url: str) -> dict[str, str]:
    return service_env(
        redis_url=cfg.redis_url,
        prefix=prefix,
        data_dir=cfg.data_dir,
        operator_token=secrets.token_urlsafe(32),
        database_url=url,
    )


async def run_cost_users(
    cfg: CostConfig, small_url: str, large_url: str, report: Report, log: Progress
) -> None:
    now = datetime.now(UTC)
    start = now - timedelta(days=12)
    template = simulate_user(
        7,
        tenant_id=TENANT,
        user_id="tpl",
        config=SimConfig(days=7, start=start, after_exercise_logs=False),
    ).events
    after = start + timedelta(days=8, hours=7)
    small, large = f"{cfg.prefix}small:", f"{cfg.prefix}large:"
    redis = Redis.from_url(cfg.redis_url, socket_timeout=30)
    try:
        with Fleet(cfg.data_dir) as fleet:
            await fleet.start_all(
                [
                    (
                        "detector-small",
                        service_target("flare_detector"),
                        detector_env(cfg, small, small_url),
                    ),
                    (
                        "detector-large",
                        service_target("flare_detector"),
                        detector_env(cfg, large, large_url),
                    ),
                ]
            )
            for prefix in (small, large):
                await feed(redis, prefix, template, cfg.timeout_s)
            log(f"cost_users: template of {len(template)} events in; copying it to users")
            made_small = await clone_user(
                small_url,
                tenant_id=TENANT,
                template="tpl",
                name="c",
                count=cfg.users_small,
                budget_s=cfg.populate_budget_s,
                log=log,
            )
            made_large = await clone_user(
                large_url,
                tenant_id=TENANT,
                template="tpl",
                name="c",
                count=cfg.users_large,
                budget_s=cfg.populate_budget_s,
                log=log,
            )
            log(
                f"cost_users: {made_small:,} and {made_large:,} users "
                f"({await table_bytes(large_url) / 1e6:,.0f} MB of detector tables)"
            )
            costs = await measure(
                redis,
                [("small", small, made_small), ("large", large, made_large)],
                {"small": "c", "large": "c"},
                cfg,
                after,
                log,
            )
    finally:
        await redis.aclose()
    report.ratio(
        "detector_cost_ratio_users",
        costs["large"],
        costs["small"],
        unit="ms/ev",
        note=f"per-event cost at {made_large:,} users / at {made_small:,} "
        f"({len(template)} events of history each)",
    )
    report.extra["detector_cost_users_large"] = made_large
    report.extra["detector_cost_users_small"] = made_small
    if made_large < cfg.users_large:
        report.skip(
            "cost_users",
            f"only {made_large:,} of {cfg.users_large:,} users fit the "
            f"{cfg.populate_budget_s:.0f} s budget",
        )


def history_template(
    user: str, sessions: int, end: datetime, days: int = 50
) -> list[DetectorEvent]:
    """`sessions` sessions of three exercises spread evenly over `days` days, and a calm
    morning log each day: the same days and mornings whatever the number of sessions."""
    start = end - timedelta(days=days)
    events: list[DetectorEvent] = []
    step = timedelta(days=days) / sessions
    for k in range(sessions):
        at = start + step * k + timedelta(minutes=5)
        events.append(
            session_event(TENANT, user, f"{user}-s{k}", at, list(PLAN[k % 5 : k % 5 + 3]))
        )
    for d in range(days):
        at = start + timedelta(days=d, hours=7)
        events.append(
            pain_event(
                TENANT,
                user,
                f"{user}-m{d}",
                at,
                1 + d % 2,
                "next_morning",
                locations=("lower_back",),
                morning=MorningContext(hours_sat=4, heavy_lifting=False, sleep_hours=7),
            )
        )
    events.sort(key=lambda e: e.occurred_at)
    return events


async def run_cost_history(cfg: CostConfig, url: str, report: Report, log: Progress) -> None:
    end = datetime.now(UTC) - timedelta(days=3)
    light = history_template("tpl-light", 10, end)
    heavy = history_template("tpl-heavy", 500, end)
    redis = Redis.from_url(cfg.redis_url, socket_timeout=30)
    try:
        with Fleet(cfg.data_dir) as fleet:
            await fleet.start(
                "flare_detector",
                service_target("flare_detector"),
                detector_env(cfg, cfg.prefix, url),
            )
            for events in (light, heavy):
                rate = await feed(redis, cfg.prefix, events, cfg.timeout_s * 2)
                log(
                    f"cost_history: {len(events)} events of {events[0].user_id} in "
                    f"at {rate.per_s:,.0f}/s"
                )
            for tpl, name in (("tpl-light", "light-"), ("tpl-heavy", "heavy-")):
                made = await clone_user(
                    url,
                    tenant_id=TENANT,
                    template=tpl,
                    name=name,
                    count=cfg.history_users,
                    budget_s=60,
                    log=log,
                )
                if made < cfg.history_users:
                    raise BenchError(f"only {made} {name} users copied")
            costs = await measure(
                redis,
                [
                    ("light", cfg.prefix, cfg.history_users),
                    ("heavy", cfg.prefix, cfg.history_users),
                ],
                {"light": "light-", "heavy": "heavy-"},
                cfg,
                end + timedelta(hours=12),
                log,
            )
    finally:
        await redis.aclose()
    report.ratio(
        "detector_cost_ratio_history",
        costs["heavy"],
        costs["light"],
        unit="ms/ev",
        note=f"per-event cost, users with 500 sessions / with 10 (50 days, "
        f"{cfg.history_users} each)",
    )
