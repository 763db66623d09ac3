"""`Idempotency-Key` on POST: the same key gets the same answer and emits no second event.

The stored answer is written in the same transaction as the effect, so either both exist or
neither does. A key reused with a different request is refused (422); two requests racing on
one key end with one effect, and the loser replays the winner's answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.database import Database
from shared.db.records import Fresh, NewRecord
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.http.deps import IDEMPOTENCY_KEY_MAX
from shared.http.problems import BadRequest, Unprocessable, field_error

Action = Callable[[UnitOfWork], Awaitable[tuple[int, dict[str, Any]]]]
Redact = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Outcome:
    """The answer to an idempotent request, first time or replayed."""

    status: int
    body: dict[str, Any]
    replayed: bool

    def response(self) -> JSONResponse:
        headers = {"Idempotent-Replayed": "true"} if self.replayed else None
        return JSONResponse(status_code=self.status, content=self.body, headers=headers)


_DROPPED_BY_URLSPLIT = frozenset("\t\r\n")


def request_path(request: Request) -> str:
    """`request.url.path`, the path a fingerprint is made of, without building the whole URL
    (host header parsing, URL assembly and splitting: about 50 µs a request). The same
    string: the escapes Starlette's `URL` applies, and for the characters `urlsplit` would
    drop, Starlette's own answer."""
    path: str = request.scope["path"]
    if not _DROPPED_BY_URLSPLIT.isdisjoint(path):
        return request.url.path
    return path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")


def fingerprint(method: str, path: str, canonical_body: str) -> str:
    return hashlib.sha256(f"{method} {path}\n{canonical_body}".encode()).hexdigest()


async def run_idempotent(
    db: Database,
    tenant_id: str,
    key: str | None,
    print_: str,
    action: Action,
    *,
    redact: Redact | None = None,
    fresh: Fresh | None = None,
) -> Outcome:
    """Run `action` once per (tenant, key), in one write with the stored answer (on SQLite
    grouped with other requests' writes: `Database.write`). `redact` shapes the stored copy
    of the answer when it holds a secret that must be shown once only.

    `fresh`, what the request stores when both its row key and its Idempotency-Key are new
    (nearly always, for ingest), skips the reads: the key, the row and the events are
    inserted with ON CONFLICT DO NOTHING (on SQLite with the group's other new requests, a
    statement per table); only if a key was taken does `action` run, on the general path."""
    if key is not None and not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX:
        raise BadRequest(
            f"Idempotency-Key must be 1-{IDEMPOTENCY_KEY_MAX} characters",
            errors=[
                field_error(
                    "header.Idempotency-Key", f"1-{IDEMPOTENCY_KEY_MAX} characters", "string_length"
                )
            ],
        )

    async def once(uow: UnitOfWork) -> Outcome:
        if key is not None and (
            replay := await _replay(
                uow.session, uow.tables.idempotency_keys, tenant_id, key, print_
            )
        ):
            return replay
        status, body = await action(uow)
        if key is not None:
            await uow.session.execute(
                insert(uow.tables.idempotency_keys).values(
                    tenant_id=tenant_id,
                    key=key,
                    fingerprint=print_,
                    status_code=status,
                    response_body=json.dumps(redact(body) if redact else body),
                    created_at=utc_now(),
                )
            )
        return Outcome(status, body, replayed=False)

    try:
        if fresh is None:
            return await db.write(once)
        return cast(Outcome, await db.write_new(_record(fresh, tenant_id, key, print_, once)))
    except IntegrityError:
        if key is None:
            raise
        # Another request with this key committed first: answer as it did.
        async with db.read() as session:
            replay = await _replay(session, db.tables.idempotency_keys, tenant_id, key, print_)
        if replay is None:
            raise
        return replay


def _record(
    fresh: Fresh,
    tenant_id: str,
    key: str | None,
    print_: str,
    otherwise: Callable[[UnitOfWork], Awaitable[Outcome]],
) -> NewRecord:
    stored = None
    if key is not None:
        stored = {
            "tenant_id": tenant_id,
            "key": key,
            "fingerprint": print_,
            "status_code": fresh.status,
            "response_body": json.dumps(fresh.body),
            "created_at": utc_now(),
        }
    return NewRecord(
        table=fresh.table,
        row=fresh.row,
        events=fresh.events,
        result=Outcome(fresh.status, fresh.body, replayed=False),
        idempotency=stored,
        otherwise=otherwise,
    )


async def _replay(
    session: AsyncSession, table: Table, tenant_id: str, key: str, print_: str
) -> Outcome | None:
    row = (
        await session.execute(
            select(table.c.fingerprint, table.c.status_code, table.c.response_body).where(
                table.c.tenant_id == tenant_id, table.c.key == key
            )
        )
    ).first()
    if row is None:
        return None
    if row.fingerprint != print_:
        raise Unprocessable(
            "this Idempotency-Key was used with a different request",
            code="idempotency-key-reused",
            errors=[field_error("header.Idempotency-Key", "reused", "idempotency_key_reused")],
        )
    return Outcome(row.status_code, json.loads(row.response_body), replayed=True)
