"""Autogenerate a migration for one service: `python scripts/new_migration.py quiz "message"`.

Builds a throwaway SQLite database at the service's current head, then lets Alembic compare
it with the service's tables.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from alembic import command

from shared.db.engine import create_engine
from shared.db.migrations import alembic_config, upgrade_to_head


def main(service: str, message: str) -> None:
    script_location = Path("services") / service / "migrations"
    version_table = f"alembic_version_{service}"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/scratch.db"
        engine = create_engine(url)
        asyncio.run(upgrade_to_head(engine, script_location, version_table))
        asyncio.run(engine.dispose())
        cfg = alembic_config(script_location, version_table, url)
        command.revision(cfg, message=message, autogenerate=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
