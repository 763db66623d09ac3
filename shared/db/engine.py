"""Async engines for SQLite (the embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# Execution option marking a read-only transaction (see `Database.read`).
READ_ONLY = "spinefit_read_only"

# PostgreSQL pool: a connection kept for each request in flight (the bench and the proxy
# send up to 16 at once per worker) plus the relay's and the consumers'. A pool smaller than
# that opens and closes a connection per request beyond it (a TLS negotiation each).
PG_POOL_SIZE = 20
PG_MAX_OVERFLOW = 10
# A connection older than this is replaced at its next checkout (idle ones a firewall or a
# proxy may have dropped silently).
PG_POOL_RECYCLE_S = 1800


def dump_json(value: Any) -> str:
    """JSON columns are written with orjson: a flare detector's history row (up to ~15 kB,
    read and written back on every event of its user) encodes about ten times and decodes
    about twice as fast as with the json module. Same JSON (compact), dict keys that are not
    strings written as strings as the json module does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# Every engine reads and writes JSON columns with these (SQLAlchemy's json_serializer).
JSON_OPTIONS: dict[str, Any] = {"json_serializer": dump_json, "json_deserializer": orjson.loads}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if not is_sqlite(url):
        return _postgres_engine(url, **kwargs)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: a database error must not carry answers or pain data into the logs.
    engine = create_async_engine(
        url, connect_args={"timeout": 30}, hide_parameters=True, **{**JSON_OPTIONS, **kwargs}
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us issue BEGIN ourselves (below), and make concurrent writers wait, not fail.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the write lock up front (IMMEDIATE): a read-then-write transaction can
        # then never hit SQLITE_BUSY half way (which busy_timeout cannot resolve). Readers
        # take no lock at all: with WAL they read a snapshot beside the writer.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """No pre-ping (three round trips per checkout with asyncpg: BEGIN, a ping, ROLLBACK).
    Instead a connection the server closed (restart, pg_terminate_backend, idle timeout) is
    known to asyncpg as closed and is replaced at checkout at no cost; one that fails in use
    invalidates the pool (SQLAlchemy's disconnect handling), and `Database.write` and
    `write_new` run their transaction again on a fresh connection."""
    options: dict[str, Any] = {
        "pool_size": PG_POOL_SIZE,
        "max_overflow": PG_MAX_OVERFLOW,
        "pool_recycle": PG_POOL_RECYCLE_S,
        "hide_parameters": True,
        **JSON_OPTIONS,
    }
    engine = create_async_engine(url, **{**options, **kwargs})

    @event.listens_for(engine.sync_engine, "checkout")
    def _closed_is_replaced(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if dbapi_connection.driver_connection.is_closed():
            # The pool discards it and checks out (or opens) another.
            raise DisconnectionError("connection closed by the server")

    return engine
