"""The parameters and dependencies every route needs, said once: `UserIdPath`,
`IdempotencyKey`, the service's `Db` and a `ReadSession` on it.

Writes go through `Db` (`db.write(work)`, `run_idempotent`), not a session dependency: on
SQLite a write joins other requests' transactions (group commit), so its unit of work is the
database's to open, not the request's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.database import Database
from shared.events.base import USER_ID_PATTERN

IDEMPOTENCY_KEY_MAX = 255

UserIdPath = Annotated[
    str, Path(pattern=f"^{USER_ID_PATTERN}$", description="The tenant's id for its user")
]
# The 1-255 bound is checked by `run_idempotent` (a 400 naming the header, on the fast lane
# too), so it is declared here for the document, not validated twice.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description=(
            "Retries with the same key (1-255 characters, per tenant) get the first answer "
            "again, with `Idempotent-Replayed: true`, and cause no second effect; the same key "
            "with a different request is refused (422 `idempotency-key-reused`)."
        ),
        json_schema_extra={"minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX},
    ),
]


def database(request: Request) -> Database:
    """The service's database (what `Db` injects; called as it is where nothing injects,
    e.g. a route the fast lane calls with its own arguments)."""
    db: Database = request.app.state.db
    return db


async def _read_session(
    db: Annotated[Database, Depends(database)],
) -> AsyncIterator[AsyncSession]:
    async with db.read() as session:
        yield session


Db = Annotated[Database, Depends(database)]
ReadSession = Annotated[AsyncSession, Depends(_read_session)]
