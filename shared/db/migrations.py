"""Alembic, owned per service, applied on start.

Each service keeps its revisions in `services/<name>/migrations` with a two-line `env.py`
that calls `run_env`. `upgrade_to_head` runs them on the service's own async engine; on
PostgreSQL an advisory lock keeps replicas starting together from migrating twice.

A restart finds its tables at the head revision nearly always: that is read from the version
table and the revision files themselves, without Alembic (importing it and loading its
environment cost a restarting service about a second on a busy machine). Anything else (no
version table, another revision, files it cannot read) goes through Alembic.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, column, select, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

_REVISION = re.compile(r"^revision(?:: [^=]+)? = [\"']([0-9a-f]+)[\"']", re.M)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (None|[\"']([0-9a-f]+)[\"'])\s*$", re.M)


def head_revision(script_location: Path) -> str | None:
    """The single head of the revision files, or None when they do not say it plainly (a
    merge, a branch, a file in another form): then Alembic decides."""
    revisions: dict[str, str | None] = {}
    for path in sorted((script_location / "versions").glob("*.py")):
        source = path.read_text()
        rev, down = _REVISION.search(source), _DOWN.search(source)
        if rev is None or down is None:
            return None
        revisions[rev.group(1)] = down.group(2)
    heads = set(revisions) - {d for d in revisions.values() if d}
    return heads.pop() if len(heads) == 1 else None


async def at_head(engine: AsyncEngine, script_location: Path, version_table: str) -> bool:
    head = head_revision(script_location)
    if head is None:
        return False
    versions = table(version_table, column("version_num"))
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(select(versions.c.version_num))).all()
    except DBAPIError:
        return False  # no version table yet: a first start
    return [r[0] for r in rows] == [head]


def alembic_config(script_location: Path, version_table: str, url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("version_table", version_table)
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade_to_head(engine: AsyncEngine, script_location: Path, version_table: str) -> None:
    if await at_head(engine, script_location, version_table):
        return
    from alembic import command

    cfg = alembic_config(script_location, version_table)

    def _upgrade(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            lock_id = zlib.crc32(version_table.encode())
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Revisions are frozen history: render our column types as plain SQLAlchemy ones.
    from shared.db.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_env(metadata: MetaData) -> None:
    """The body of every service's `env.py`."""
    from alembic import context

    cfg = context.config
    version_table = cfg.get_main_option("version_table") or "alembic_version"
    options: dict[str, Any] = {
        "target_metadata": metadata,
        "version_table": version_table,
        "render_as_batch": True,  # SQLite alters tables by copying them
        "compare_type": True,
        "render_item": _render_item,
    }
    connection = cfg.attributes.get("connection")
    if connection is None:
        # Offline (`alembic upgrade --sql`) or autogenerate from the command line.
        from sqlalchemy import create_engine

        url = cfg.get_main_option("sqlalchemy.url") or "sqlite://"
        sync_url = url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg")
        if context.is_offline_mode():
            context.configure(url=sync_url, literal_binds=True, **options)
            with context.begin_transaction():
                context.run_migrations()
            return
        with create_engine(sync_url).connect() as conn:
            context.configure(connection=conn, **options)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
        return
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()
