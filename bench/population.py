"""Filling the flare detector's tables fast: a template user's history is built through the
real detector, then its rows are copied to many users in bulk (INSERT ... SELECT over
generate_series), so a population of a million users with the same per-user history costs
seconds per hundred thousand rather than a million histories through the handler.

The copy is generic over the detector's tables: every `flare_detector_*` table with a
`user_id` column other than the platform tables (outbox, idempotency, key replica); columns
filled by a sequence are left to it. A schema the copy cannot follow (a unique column that
is not per user) fails with a BenchError that says so.
"""

from __future__ import annotations

import asyncio
from time import perf_counter

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from bench.common import BenchError
from bench.report import Progress

SERVICE = "flare_detector"
PLATFORM = ("outbox", "processed_events", "idempotency_keys", "tenant_keys")


def dsn_of(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def per_user_tables(conn: asyncpg.Connection) -> dict[str, list[str]]:
    """table -> the columns a copy writes (user_id included, sequence-filled left out)."""
    rows = await conn.fetch(
        """
        SELECT c.table_name, c.column_name, c.column_default, c.is_identity
        FROM information_schema.columns c
        WHERE c.table_schema = current_schema() AND c.table_name LIKE $1
        ORDER BY c.table_name, c.ordinal_position
        """,
        f"{SERVICE}\\_%",
    )
    tables: dict[str, list[str]] = {}
    for r in rows:
        if r["table_name"] in {f"{SERVICE}_{p}" for p in PLATFORM}:
            continue
        if r["is_identity"] == "YES" or str(r["column_default"] or "").startswith("nextval("):
            continue
        tables.setdefault(r["table_name"], []).append(r["column_name"])
    return {t: cols for t, cols in tables.items() if "user_id" in cols}


async def clone_user(
    url: str,
    *,
    tenant_id: str,
    template: str,
    name: str,
    count: int,
    budget_s: float,
    log: Progress,
    chunk: int = 50_000,
    first: int = 0,
) -> int:
    """Copy `template`'s rows to users `{name}{first}` .. `{name}{first + count - 1}`, in
    chunks (each one transaction), stopping early once `budget_s` is spent. Returns how many
    users were made."""
    conn = await asyncio.wait_for(asyncpg.connect(dsn_of(url)), timeout=10)
    made = 0
    started = perf_counter()
    try:
        tables = await per_user_tables(conn)
        if not tables:
            raise BenchError("the flare detector has no per-user table to fill")
        while made < count:
            if perf_counter() - started > budget_s:
                log(f"population: budget of {budget_s:.0f} s spent at {made:,} users")
                break
            lo, hi = first + made, first + min(count, made + chunk) - 1
            async with conn.transaction():
                for table, cols in tables.items():
                    select = ", ".join(
                        "$1 || g::text" if c == "user_id" else f't."{c}"' for c in cols
                    )
                    columns = ", ".join(f'"{c}"' for c in cols)
                    try:
                        await conn.execute(
                            f'INSERT INTO "{table}" ({columns}) SELECT {select} '
                            f'FROM "{table}" t, generate_series($2::int, $3::int) g '
                            "WHERE t.tenant_id = $4 AND t.user_id = $5",
                            name,
                            lo,
                            hi,
                            tenant_id,
                            template,
                        )
                    except asyncpg.PostgresError as exc:
                        raise BenchError(f"cannot copy users in {table}: {exc}") from None
            made = hi - first + 1
            if made % 200_000 < chunk:
                log(f"population: {made:,} users in {perf_counter() - started:.0f} s")
        for table in tables:
            await conn.execute(f'ANALYZE "{table}"')
    finally:
        await conn.close()
    return made


async def table_bytes(url: str) -> int:
    conn = await asyncio.wait_for(asyncpg.connect(dsn_of(url)), timeout=10)
    try:
        return int(
            await conn.fetchval(
                "SELECT coalesce(sum(pg_total_relation_size(quote_ident(table_name))), 0) "
                "FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_name LIKE $1",
                f"{SERVICE}\\_%",
            )
        )
    finally:
        await conn.close()
