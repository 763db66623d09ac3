"""`make bench`: events/s through the messaging helper next to a bare redis-py loop, and POST
requests/s and latency of the quiz endpoint next to a bare FastAPI endpoint, in one run.

PYTHONPATH=. .venv/bin/python bench/run.py [--events N] [--requests N] [--concurrency N]
                                           [--database-url URL] [--redis-url URL]

Everything stays on 127.0.0.1: streams live under a prefix of this run's own (deleted at the
end), databases are SQLite files in a temporary directory (or, with a PostgreSQL URL, a
temporary database created there and dropped). Figures are printed, never asserted; compare
the ratios between machines, not the absolute rates.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from redis.asyncio import Redis

from bench.common import BenchError, Databases, check_loopback, delete_prefixed, new_prefix
from bench.consume import ConsumeConfig, ConsumeResults, Rate, run_consume
from bench.http_bench import HttpConfig, HttpResults, LoadResult, run_http
from shared.observability.logging import configure_logging

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class Args:
    events: int
    requests: int
    concurrency: int
    batch_size: int
    warmup: int
    database_url: str | None
    redis_url: str
    timeout: float
    client: str
    skip_consume: bool
    skip_http: bool


def parse_args(argv: list[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2000, help="events in the stream")
    parser.add_argument("--requests", type=int, default=3000, help="POSTs per endpoint")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--batch-size", type=int, default=500, help="COUNT of batch reads")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured POSTs first")
    parser.add_argument(
        "--database-url",
        default=None,
        help="sqlite URL (files go in a temporary directory beside it) or PostgreSQL URL "
        "(a temporary database is created there); default: SQLite in a temporary directory",
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument(
        "--timeout", type=float, default=120, help="limit of each wait or phase, seconds"
    )
    parser.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="load generator: raw keep-alive sockets (default; httpx costs ~1.5 ms of CPU per "
        "request and saturates its core before the bare endpoint does) or httpx.AsyncClient",
    )
    parser.add_argument("--skip-consume", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    ns = parser.parse_args(argv)
    if min(ns.events, ns.requests, ns.concurrency, ns.batch_size) < 1 or ns.warmup < 0:
        parser.error("counts must be positive")
    if max(ns.events, ns.requests) > 1_000_000 or ns.concurrency > 1000 or ns.timeout <= 0:
        parser.error("keep it bounded: at most 1,000,000 events or requests, concurrency 1000")
    return Args(
        events=ns.events,
        requests=ns.requests,
        concurrency=ns.concurrency,
        batch_size=ns.batch_size,
        warmup=ns.warmup,
        database_url=ns.database_url,
        redis_url=ns.redis_url,
        timeout=ns.timeout,
        client=ns.client,
        skip_consume=ns.skip_consume,
        skip_http=ns.skip_http,
    )


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.3f}" if base > 0 else "n/a"


def consume_table(r: ConsumeResults) -> list[str]:
    def row(rate: Rate, ratio: str) -> str:
        return f"consume  {rate.label:<14}{rate.per_s:>9,.0f} ev/s   {ratio:<21}{rate.note}"

    bare = r.bare.per_s
    return [
        row(r.single, f"ratio to bare {_ratio(r.single.per_s, bare)}"),
        row(r.batch, f"ratio to bare {_ratio(r.batch.per_s, bare)}"),
        row(r.bare, ""),
        row(r.relay, ""),
        f"consume  batch / single {_ratio(r.batch.per_s, r.single.per_s)}",
    ]


def http_table(r: HttpResults) -> list[str]:
    def row(result: LoadResult, ratio: str) -> str:
        cpu_ms = result.server_cpu_s / result.requests * 1000
        errors = f"  ERRORS {result.errors}" if result.errors else ""
        return (
            f"http     {result.label:<14}{result.per_s:>9,.0f} req/s"
            f"  p50 {result.percentile(50):6.1f} ms  p99 {result.percentile(99):7.1f} ms"
            f"  {ratio:<21}server cpu {cpu_ms:.2f} ms/req, client cpu"
            f" {result.client_cpu:.0%}{errors}"
        )

    return [
        row(r.quiz, f"ratio to bare {_ratio(r.quiz.per_s, r.bare.per_s)}"),
        row(r.bare, ""),
    ]


def header(args: Args, databases: Databases, loop_name: str, redis_version: str) -> list[str]:
    db = "SQLite files in a temp dir" if databases.kind == "sqlite" else "temporary PostgreSQL db"
    return [
        f"machine  {os.cpu_count()} cpus ({platform.machine()}), Python "
        f"{platform.python_version()}, {loop_name}, database {databases.kind} ({db}), "
        f"Redis {redis_version} on loopback",
        f"consume  {args.events:,} PainLogged events; handler: 1 row + 1 follow-up event to "
        f"the outbox; single mode COUNT from settings, batch COUNT {args.batch_size}",
        f"http     {args.requests:,} POSTs per endpoint, concurrency {args.concurrency}, "
        f"{args.warmup} warm-up, {args.client} client; clean quiz body, unique Idempotency-Key "
        "per request, 500 user ids; servers are uvicorn processes",
    ]


async def run(args: Args, loop_name: str) -> int:
    check_loopback(args.redis_url, "--redis-url")
    databases = Databases(args.database_url)
    prefix = new_prefix()
    redis = Redis.from_url(args.redis_url, socket_timeout=30, socket_connect_timeout=5)
    started = time.perf_counter()
    consume: ConsumeResults | None = None
    http: HttpResults | None = None
    try:
        try:
            info = await asyncio.wait_for(redis.info("server"), timeout=10)
        except Exception as exc:
            raise BenchError(f"Redis at {args.redis_url} does not answer: {exc!r}") from None
        redis_version = str(info.get("redis_version", "?"))
        await asyncio.wait_for(databases.create(), timeout=30)
        progress(f"prefix {prefix}, databases in {databases.tmp} ({databases.kind})")
        if not args.skip_consume:
            progress(f"consume: {args.events:,} events")
            consume = await run_consume(
                ConsumeConfig(
                    redis_url=args.redis_url,
                    databases=databases,
                    prefix=prefix,
                    events=args.events,
                    batch_size=args.batch_size,
                    timeout_s=args.timeout,
                ),
                progress,
            )
        if not args.skip_http:
            progress("http: starting the tenants, quiz and bare servers")
            http = await run_http(
                HttpConfig(
                    redis_url=args.redis_url,
                    databases=databases,
                    prefix=prefix,
                    requests=args.requests,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                    timeout_s=args.timeout,
                    client=args.client,
                ),
                progress,
            )
    finally:
        try:
            deleted = await asyncio.wait_for(delete_prefixed(redis, prefix), timeout=30)
            progress(f"cleanup: deleted {deleted} Redis keys under {prefix}")
        except Exception as exc:
            progress(f"cleanup: could not delete the keys under {prefix}: {exc!r}")
        finally:
            await redis.aclose()
            try:
                await asyncio.wait_for(databases.drop(), timeout=30)
            except Exception as exc:
                progress(f"cleanup: could not drop the temporary database: {exc!r}")
    lines = header(args, databases, loop_name, redis_version)
    if consume:
        lines += consume_table(consume)
    if http:
        lines += http_table(http)
    lines.append(f"total    {time.perf_counter() - started:.1f} s")
    print("\n".join(lines), flush=True)
    return 0


def _loop_factory() -> tuple[Callable[[], asyncio.AbstractEventLoop] | None, str]:
    """uvloop when installed, as uvicorn picks it for the services."""
    try:
        import uvloop
    except ImportError:
        return None, "asyncio"
    return uvloop.new_event_loop, "uvloop"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Every service of the run gets its settings from the flags and the defaults, never from
    # the caller's environment, so two runs are comparable.
    ignored = sorted(k for k in os.environ if k.startswith("SPINEFIT_"))
    for name in ignored:
        del os.environ[name]
    if ignored:
        progress(f"ignoring {', '.join(ignored)}")
    configure_logging("bench", "WARNING", json=False)
    # FastStream's broker logger (its own handler, level reset to INFO by every broker) says
    # "callback for Task-N is being executed" on stop: keep its warnings only.
    logging.getLogger("faststream.access.redis").addFilter(
        lambda record: record.levelno >= logging.WARNING
    )
    factory, loop_name = _loop_factory()
    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(run(args, loop_name))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted (cleaned up)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
