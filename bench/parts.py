"""Each part of `make bench`: what it runs on which database, with the run's counts."""

from __future__ import annotations

from dataclasses import replace

from bench.consume import BusConfig, run_bus
from bench.consumers import ConsumerConfig, run_detector, run_planner, run_replicas
from bench.cost import CostConfig, run_cost_history, run_cost_users
from bench.run import Context, Part, progress


def _events(ctx: Context, normal: int, quick: int) -> int:
    return quick if ctx.args.quick else normal


async def bus(ctx: Context) -> None:
    # 10,000: the bare loop's run lasts about half a second (3,000 were over in 0.15 s, and
    # its figure moved by half between runs).
    events = _events(ctx, 10_000, 500)
    cases: list[tuple[str, str | None]] = []
    if ctx.args.sqlite:
        cases.append(("sqlite", ctx.sqlite_url("bus", "bus")))
    if ctx.pg_url:
        cases.append(("pg", None))
    else:
        ctx.report.skip("bus pg", "PostgreSQL not reachable")
    for label, url in cases:
        if url is None:
            async with ctx.pg() as databases:
                await run_bus(
                    _bus_cfg(ctx, databases.url("bus"), label, events), ctx.report, label, progress
                )
        else:
            await run_bus(_bus_cfg(ctx, url, label, events), ctx.report, label, progress)


def _bus_cfg(ctx: Context, url: str, label: str, events: int) -> BusConfig:
    return BusConfig(
        redis_url=ctx.args.redis_url,
        database_url=url,
        prefix=ctx.part_prefix(f"bus-{label}"),
        events=events,
        repeats=ctx.args.repeats,
        timeout_s=ctx.args.timeout,
    )


RUNNERS: dict[str, Part] = {"bus": bus}


async def ingest(ctx: Context) -> None:
    from bench.ingest import IngestConfig, run_ingest

    seconds = 1.0 if ctx.args.quick else ctx.args.seconds
    cases: list[str] = ["sqlite"] if ctx.args.sqlite else []
    cases += ["pg"] if ctx.pg_url else []
    for label in cases:
        cfg = IngestConfig(
            redis_url=ctx.args.redis_url,
            prefix=ctx.part_prefix(f"ingest-{label}"),
            data_dir=ctx.part_dir(f"ingest-{label}"),
            database_url=None,
            label=label,
            repeats=ctx.args.repeats,
            seconds=seconds,
            concurrency=ctx.args.concurrency,
        )
        if label == "pg":
            async with ctx.pg() as databases:
                await run_ingest(
                    replace(cfg, database_url=databases.shared_url), ctx.report, progress
                )
        else:
            await run_ingest(cfg, ctx.report, progress)


RUNNERS["ingest"] = ingest


def _consumer_cfg(ctx: Context, part: str, url: str) -> ConsumerConfig:
    return ConsumerConfig(
        redis_url=ctx.args.redis_url,
        prefix=ctx.part_prefix(part),
        data_dir=ctx.part_dir(part),
        database_url=url,
        repeats=ctx.args.repeats,
        seconds=1.0 if ctx.args.quick else ctx.args.seconds,
        timeout_s=ctx.args.timeout,
        users=1_000 if ctx.args.quick else 10_000,
        warmup=100 if ctx.args.quick else 300,
    )


async def detector(ctx: Context) -> None:
    async with ctx.pg() as databases:
        await run_detector(_consumer_cfg(ctx, "detector", databases.url("x")), ctx.report, progress)


async def planner(ctx: Context) -> None:
    async with ctx.pg() as databases:
        await run_planner(_consumer_cfg(ctx, "planner", databases.url("x")), ctx.report, progress)


async def replicas(ctx: Context) -> None:
    async with ctx.pg() as databases:
        await run_replicas(_consumer_cfg(ctx, "replicas", databases.url("x")), ctx.report, progress)


RUNNERS.update({"detector": detector, "planner": planner, "replicas": replicas})


async def rule_one(ctx: Context) -> None:
    from bench.rule_one import RuleOneConfig, run_rule_one

    cfg = RuleOneConfig(
        redis_url=ctx.args.redis_url,
        prefix=ctx.part_prefix("rule_one"),
        data_dir=ctx.part_dir("rule_one"),
        samples=10 if ctx.args.quick else ctx.args.rule_one_samples,
        background_rate=ctx.args.background_rate,
    )
    await run_rule_one(cfg, ctx.report, progress)


RUNNERS["rule_one"] = rule_one


# A cost run is one chunk of events (1-2 s): the pairs vary by +-10 %, so these parts take
# more of them (a few seconds more) for a steadier median.
COST_REPEATS = 9


def _cost_cfg(ctx: Context, part: str) -> CostConfig:
    return CostConfig(
        redis_url=ctx.args.redis_url,
        prefix=ctx.part_prefix(part),
        data_dir=ctx.part_dir(part),
        repeats=max(ctx.args.repeats, COST_REPEATS),
        seconds=1.0 if ctx.args.quick else ctx.args.seconds,
        timeout_s=ctx.args.timeout,
        users_large=20_000 if ctx.args.quick else ctx.args.users_large,
        populate_budget_s=ctx.args.populate_budget_s,
        history_users=50 if ctx.args.quick else 1_000,
    )


async def cost_users(ctx: Context) -> None:
    async with ctx.pg() as small, ctx.pg() as large:
        await run_cost_users(
            _cost_cfg(ctx, "cost_users"), small.url("x"), large.url("x"), ctx.report, progress
        )


async def cost_history(ctx: Context) -> None:
    async with ctx.pg() as databases:
        await run_cost_history(
            _cost_cfg(ctx, "cost_history"), databases.url("x"), ctx.report, progress
        )


RUNNERS.update({"cost_users": cost_users, "cost_history": cost_history})


async def spawn(ctx: Context) -> None:
    from bench.spawn import SpawnConfig, run_spawn

    cfg = SpawnConfig(
        redis_url=ctx.args.redis_url,
        prefix=ctx.part_prefix("spawn"),
        data_dir=ctx.part_dir("spawn"),
        repeats=min(ctx.args.repeats, 3),  # a report figure, ~7 s a run
    )
    await run_spawn(cfg, ctx.report, progress)


RUNNERS["spawn"] = spawn
