"""Alembic, owned per service, applied on start.

Each service keeps its revisions in `services/<name>/migrations` with a two-line `env.py`
that calls `run_env`. `upgrade_to_head` runs them on the service's own async engine; on
PostgreSQL an advisory lock keeps replicas starting together from migrating twice.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config(script_location: Path, version_table: str, url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("version_table", version_table)
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def upgrade_to_head(engine: AsyncEngine, script_location: Path, version_table: str) -> None:
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
