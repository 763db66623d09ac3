"""`make bench`: the real paths next to their bare counterparts, side by side, in one run, on
SQLite and on PostgreSQL; a table on stdout and every figure in var/bench/latest.json.

PYTHONPATH=. .venv/bin/python bench/run.py [--only bus,ingest,...] [--quick]
    [--database-url postgresql+asyncpg://127.0.0.1:5432/test] [--redis-url URL]

Parts (--only takes any of them, comma-separated; default all):
  bus           subscribe helper (idempotency + row + outbox event, batch) / bare loop
  detector      the flare detector service on 10,000 users' sessions and logs / bare loop
  planner       quiz-completed -> plan-generated through the planner service / bare loop
  ingest        POST /v1/users/{id}/pain on the painlog service / bare validate-and-XADD
  rule_one      a rule-one session's 202 -> plan-generated, six services, 500 events/s beside
  cost_users    per-event detector cost at 1,000,000 users / at 1,000
  cost_history  per-event detector cost on users with 500 sessions / with 10
  replicas      a backlog drained by two detector replicas / by one

Everything stays on 127.0.0.1, bounded in count and time: streams live under a prefix of
this run's own (deleted at the end), SQLite files in a temporary directory, PostgreSQL
databases created for the run and dropped. Runs are interleaved (bare, ours, bare, ours,
...) and every ratio is the median of the per-pair ratios. Each part starts after a
PostgreSQL CHECKPOINT (what earlier parts wrote is not flushed in its runs). Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from bench.common import BenchError, Databases, check_loopback, delete_prefixed, new_prefix
from bench.report import Report, machine, write_json
from shared.observability.logging import configure_logging

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_PG_URL = "postgresql+asyncpg://127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "var" / "bench" / "latest.json"
PARTS = (
    "bus",
    "detector",
    "planner",
    "ingest",
    "rule_one",
    "cost_users",
    "cost_history",
    "replicas",
    "spawn",
)
PG_ONLY = {"detector", "planner", "cost_users", "cost_history", "replicas"}
# No part takes this long on a 2-core machine; one that does is stuck, not slow.
PART_LIMIT_S = 300.0


@dataclass(frozen=True)
class Args:
    only: tuple[str, ...]
    database_url: str | None  # PostgreSQL; None: the default one, when it answers
    redis_url: str
    repeats: int
    seconds: float  # what one measured run of "ours" should last
    timeout: float
    concurrency: int
    users_large: int
    populate_budget_s: float
    background_rate: int
    rule_one_samples: int
    json_path: Path
    quick: bool
    sqlite: bool = True
    pg: bool = True


def parse_args(argv: list[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="", help=f"comma-separated parts of: {','.join(PARTS)}")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"PostgreSQL on loopback for the PostgreSQL cases (temporary databases are "
        f"created there); default {DEFAULT_PG_URL} when it answers",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite cases")
    parser.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL cases")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--repeats", type=int, default=5, help="interleaved pairs per ratio")
    parser.add_argument(
        "--seconds", type=float, default=2.5, help="length of one measured run of ours"
    )
    parser.add_argument("--timeout", type=float, default=120, help="limit of each wait, seconds")
    parser.add_argument("--concurrency", type=int, default=16, help="HTTP requests in flight")
    parser.add_argument(
        "--users-large", type=int, default=1_000_000, help="users of the large cost_users case"
    )
    parser.add_argument(
        "--populate-budget",
        type=float,
        default=90,
        help="seconds cost_users may spend filling the large population (it stops earlier "
        "and records the count it reached)",
    )
    parser.add_argument("--background-rate", type=int, default=500, help="rule_one events/s")
    parser.add_argument("--rule-one-samples", type=int, default=40)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write figures")
    parser.add_argument(
        "--quick", action="store_true", help="small counts, for trying the bench out"
    )
    ns = parser.parse_args(argv)
    only = tuple(p.strip() for p in ns.only.split(",") if p.strip()) or PARTS
    unknown = [p for p in only if p not in PARTS]
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(unknown)}; parts: {', '.join(PARTS)}")
    if ns.repeats < 1 or ns.seconds <= 0 or ns.timeout <= 0 or ns.concurrency < 1:
        parser.error("--repeats, --seconds, --timeout and --concurrency must be positive")
    if ns.repeats > 20 or ns.concurrency > 1000 or ns.seconds > 60:
        parser.error("keep it bounded: at most 20 repeats, 60 s runs, concurrency 1000")
    if not 1_000 <= ns.users_large <= 10_000_000:
        parser.error("--users-large: between 1,000 and 10,000,000")
    if not 1 <= ns.background_rate <= 5000 or not 1 <= ns.rule_one_samples <= 500:
        parser.error("--background-rate at most 5000/s, --rule-one-samples at most 500")
    return Args(
        only=only,
        database_url=ns.database_url,
        redis_url=ns.redis_url,
        repeats=ns.repeats,
        seconds=ns.seconds,
        timeout=ns.timeout,
        concurrency=ns.concurrency,
        users_large=ns.users_large,
        populate_budget_s=ns.populate_budget,
        background_rate=ns.background_rate,
        rule_one_samples=ns.rule_one_samples,
        json_path=ns.json,
        quick=ns.quick,
        sqlite=not ns.no_sqlite,
        pg=not ns.no_pg,
    )


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _dsn(url: str) -> str:
    """asyncpg's form of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def pg_answers(url: str) -> str | None:
    """None when PostgreSQL at `url` accepts a connection, else why not."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(_dsn(url)), timeout=5)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


async def settle_postgres(url: str) -> str | None:
    """A CHECKPOINT before a part: what the earlier parts left in PostgreSQL's buffers is
    written out now, not in the middle of the next part's runs (a checkpoint during the
    ingest runs lands on ours alone: the bare endpoint does not use PostgreSQL; its p99 moved
    from ~1.65 to 2.2 once so). None when done, else why not (it needs a superuser)."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(_dsn(url)), timeout=5)
        try:
            await asyncio.wait_for(conn.execute("CHECKPOINT"), timeout=120)
        finally:
            await conn.close()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass
class Context:
    """What every part gets: the arguments, the run's prefix and temp dir, the report."""

    args: Args
    prefix: str
    tmp: Path
    report: Report
    pg_url: str | None
    _parts_started: list[str] = field(default_factory=list)

    def part_prefix(self, part: str) -> str:
        return f"{self.prefix}{part}:"

    def part_dir(self, part: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"{part}-", dir=self.tmp))
        return path

    @asynccontextmanager
    async def pg(self) -> AsyncIterator[Databases]:
        """A temporary PostgreSQL database for one part, dropped after."""
        assert self.pg_url, "the part needs PostgreSQL"
        databases = Databases(self.pg_url)
        await asyncio.wait_for(databases.create(), timeout=30)
        try:
            yield databases
        finally:
            await asyncio.wait_for(databases.drop(), timeout=60)

    def sqlite_url(self, part: str, service: str) -> str:
        return f"sqlite+aiosqlite:///{self.part_dir(part) / (service + '.db')}"


Part = Callable[[Context], Awaitable[None]]


def part_runners() -> dict[str, Part]:
    # Imported here: each part pulls in its service's modules.
    from bench import parts

    return parts.RUNNERS


async def run(args: Args) -> int:
    check_loopback(args.redis_url, "--redis-url")
    started = time.time()
    report = Report()
    prefix = new_prefix()
    redis = Redis.from_url(args.redis_url, socket_timeout=30, socket_connect_timeout=5)
    pg_url: str | None = args.database_url or DEFAULT_PG_URL
    assert pg_url
    check_loopback(pg_url, "--database-url")
    why_not = await pg_answers(pg_url) if args.pg else "--no-pg"
    if why_not:
        if args.database_url and args.pg:
            raise BenchError(f"PostgreSQL at {pg_url} does not answer: {why_not}")
        progress(f"PostgreSQL at {pg_url} does not answer ({why_not}): its cases are skipped")
        pg_url = None
    try:
        try:
            await asyncio.wait_for(redis.ping(), timeout=10)
        except Exception as exc:
            raise BenchError(f"Redis at {args.redis_url} does not answer: {exc!r}") from None
        with tempfile.TemporaryDirectory(prefix="spinefit-bench-") as tmp:
            ctx = Context(args, prefix, Path(tmp), report, pg_url)
            progress(f"prefix {prefix}, temp dir {tmp}, parts {','.join(args.only)}")
            runners = part_runners()
            for part in args.only:
                if part in PG_ONLY and not pg_url:
                    report.skip(part, "needs PostgreSQL")
                    continue
                if pg_url and (why := await settle_postgres(pg_url)):
                    progress(f"no CHECKPOINT before {part} ({why})")
                part_started = time.perf_counter()
                progress(f"== {part}")
                try:
                    # A part that hangs (a service that never answers) is cut off and
                    # reported, so the bench always stops by itself.
                    await asyncio.wait_for(runners[part](ctx), timeout=PART_LIMIT_S)
                except TimeoutError:
                    report.skip(part, f"failed: still running after {PART_LIMIT_S:.0f} s")
                    progress(f"{part} cut off after {PART_LIMIT_S:.0f} s")
                except BenchError as exc:
                    report.skip(part, f"failed: {exc}")
                    progress(f"{part} failed: {exc}")
                except Exception as exc:  # a part broken by a change elsewhere: say so, go on
                    report.skip(part, f"failed: {type(exc).__name__}: {exc}")
                    progress(f"{part} failed: {traceback.format_exc()}")
                report.extra[f"{part}_s"] = time.perf_counter() - part_started
                progress(f"== {part} done in {time.perf_counter() - part_started:.0f} s")
    finally:
        try:
            deleted = await asyncio.wait_for(delete_prefixed(redis, prefix), timeout=30)
            progress(f"cleanup: deleted {deleted} Redis keys under {prefix}")
        except Exception as exc:
            progress(f"cleanup: could not delete the keys under {prefix}: {exc!r}")
        finally:
            await redis.aclose()
    data = report.as_json(started=started, machine=machine())
    write_json(args.json_path, data)
    lines = [f"machine  {machine()}, PostgreSQL {'at ' + pg_url if pg_url else 'not reachable'}"]
    lines += report.table()
    lines.append(f"total    {time.time() - started:.0f} s; figures in {args.json_path}")
    print("\n".join(lines), flush=True)
    return 0


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed, as uvicorn picks it for the services."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Every service of the run gets its settings from this run, never from the caller's
    # environment, so two runs are comparable.
    ignored = sorted(k for k in os.environ if k.startswith("SPINEFIT_"))
    for name in ignored:
        del os.environ[name]
    if ignored:
        progress(f"ignoring {', '.join(ignored)}")
    configure_logging("bench", "WARNING", json=False)
    # FastStream's broker logger says "callback for Task-N is being executed" on stop.
    logging.getLogger("faststream.access.redis").addFilter(
        lambda record: record.levelno >= logging.WARNING
    )
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(run(args))
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted (cleaned up)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
