"""What both halves of the benchmark share: timeouts, where the databases live, cleanup."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

T = TypeVar("T")

HOST = "127.0.0.1"


class BenchError(Exception):
    """A step of the benchmark failed or timed out: printed as is, no traceback needed."""


async def wait_until(
    check: Callable[[], Awaitable[T]], *, timeout: float, what: str, every: float = 0.005
) -> T:
    """Poll `check` until it returns something truthy; BenchError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = await check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")
        await asyncio.sleep(every)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def check_loopback(url: str, what: str) -> None:
    """Everything stays on this machine: refuse a Redis or database URL elsewhere."""
    host = urlsplit(url).hostname
    if host not in (None, "127.0.0.1", "localhost", "::1"):
        raise BenchError(f"{what} must be on loopback (127.0.0.1), not {host!r}")


@dataclass
class Databases:
    """Where every service of the run keeps its tables: SQLite files in a temporary directory
    (one per service, as in production), or one temporary PostgreSQL database dropped after."""

    requested: str | None
    tmp: Path = field(init=False)
    kind: str = field(init=False)
    _pg_admin: str | None = field(init=False, default=None)
    _pg_name: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        base_dir = None
        self.kind = "sqlite"
        if self.requested:
            check_loopback(self.requested, "--database-url")
            url = make_url(self.requested)
            backend = url.get_backend_name()
            if backend == "sqlite":
                if url.database and url.database != ":memory:":
                    base_dir = str(Path(url.database).resolve().parent)
                    Path(base_dir).mkdir(parents=True, exist_ok=True)
            elif backend == "postgresql":
                self.kind = "postgresql"
            else:
                raise BenchError(f"--database-url: only sqlite and postgresql, not {backend}")
        self.tmp = Path(tempfile.mkdtemp(prefix="spinefit-bench-", dir=base_dir))

    def url(self, service: str) -> str:
        """The URL a service of this run uses."""
        if self.kind == "sqlite":
            return f"sqlite+aiosqlite:///{self.tmp / (service + '.db')}"
        assert self._pg_admin and self._pg_name, "Databases.create() first"
        return str(
            make_url(self._pg_admin)
            .set(drivername="postgresql+asyncpg")
            .set(database=self._pg_name)
            .render_as_string(hide_password=False)
        )

    @property
    def shared_url(self) -> str | None:
        """The one database every service shares (PostgreSQL), None for SQLite files."""
        return self.url("shared") if self.kind == "postgresql" else None

    async def create(self) -> None:
        if self.kind != "postgresql":
            return
        assert self.requested
        self._pg_admin = self.requested
        name = f"sf_bench_{uuid.uuid4().hex[:12]}"
        conn = await asyncio.wait_for(asyncpg.connect(self._admin_dsn()), timeout=10)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self._pg_name = name

    async def drop(self) -> None:
        try:
            if self._pg_name:
                conn = await asyncio.wait_for(asyncpg.connect(self._admin_dsn()), timeout=10)
                try:
                    await conn.execute(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)')
                finally:
                    await conn.close()
                self._pg_name = None
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _admin_dsn(self) -> str:
        assert self._pg_admin
        url = make_url(self._pg_admin).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)


def new_prefix() -> str:
    return f"bench-{uuid.uuid4().hex[:12]}:"


async def delete_prefixed(redis: Redis, prefix: str) -> int:
    """Delete every key of this run (streams, their .dlq, anything under the prefix)."""
    keys = [k async for k in redis.scan_iter(match=f"{prefix}*", count=1000)]
    if keys:
        await redis.delete(*keys)
    return len(keys)


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), 0.0 when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0
