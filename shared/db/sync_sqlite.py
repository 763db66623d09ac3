"""Synchronous SQLite engines beside the async one, for the group committer and the relay.

Through aiosqlite every statement is a hop to its thread and back (about 0.1 ms of CPU
each, against ~10 µs for the statement itself); a group's bulk statements run here on the
loop's thread instead, or, when another process holds the write lock, in one hop to a
worker thread (`SyncSqlite.run`). Same file, same settings as `shared.db.engine`: WAL,
NORMAL sync, foreign keys, BEGIN IMMEDIATE for writers. A commit that crosses SQLite's
WAL auto-checkpoint threshold (1,000 pages) checkpoints on the loop's thread (PASSIVE: it
waits for no reader), an fsync every few MB of writes.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from shared.db.engine import JSON_OPTIONS, READ_ONLY

T = TypeVar("T")


class SyncSqlite:
    """A SQLite file's two synchronous engines: `inline`, whose connections never wait for
    the write lock (busy_timeout 0), run on the event loop's own thread; `waiting` (busy
    timeout 30 s) in a worker thread.

    `run(work)` tries `work(inline)` first: this process's writers queue in its writer
    lock, so the write lock is free unless another process holds it, and a group's bulk
    statements (~0.1-0.5 ms) cost less on the loop than the hop to a thread and back
    (submitting, waking the worker, the GIL passed twice, the future's callbacks). Only when
    SQLite answers busy, which it does before the transaction has done anything, is the
    work run again in a thread, where it may wait its turn without holding up the loop."""

    def __init__(self, inline: Engine, waiting: Engine) -> None:
        self.inline = inline
        self.waiting = waiting
        self.waited = 0  # how often the lock was taken elsewhere (tests read it)

    async def run(self, work: Callable[[Engine], T]) -> T:
        """`work(engine)` runs one transaction on `engine` (rolled back if it raises)."""
        try:
            return work(self.inline)
        except OperationalError as exc:
            if not _busy(exc):
                raise
        self.waited += 1
        return await asyncio.to_thread(work, self.waiting)

    def dispose(self) -> None:
        self.inline.dispose()
        self.waiting.dispose()


def _busy(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def sync_sqlite(async_url: str) -> SyncSqlite | None:
    """The synchronous engines of a SQLite file URL; None for an in-memory database
    (another connection would be another database)."""
    url = make_url(async_url)
    if not url.database or url.database == ":memory:" or "mode=memory" in str(url):
        return None
    return SyncSqlite(_engine(url, busy_timeout_ms=0), _engine(url, busy_timeout_ms=30_000))


def _engine(url: Any, *, busy_timeout_ms: int) -> Engine:
    engine = create_engine(
        url.set(drivername="sqlite"),
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        hide_parameters=True,
        **JSON_OPTIONS,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # As in `shared.db.engine`: a read (the outbox relay's) takes no lock.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
