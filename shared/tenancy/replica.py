"""Each service's replica of tenant API keys, kept from the tenants service's events, and
the check of a presented key against it.

The replica is a table (so a restart knows every key at once) and, in each process, a map
of it in memory, so that checking a key costs no query. The map follows the table: it is
loaded at start, and the consumer that writes a row updates the map only once that row has
committed. A key the map does not know is refused, as a key the table does not hold was.
The tenants service answers an issue or a revocation once every consumer group has
acknowledged it (`EventBus.wait_consumed`), which happens after that commit: from then on
the replica that consumed it accepts the new key, or refuses the revoked one. A group hands
each event to one replica of a service only, so every process also tails the key streams
itself (`follow`) and its map learns every key and revocation within a read's wake-up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from faststream.redis.parser import BinaryMessageFormatV1
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.cancellation import raise_if_cancelling
from shared.db.database import Database
from shared.db.dialect import upsert_insert
from shared.db.platform_tables import PlatformTables
from shared.db.uow import UnitOfWork
from shared.events.tenants import TenantKeyIssued, TenantKeyRevoked
from shared.observability.logging import get_logger
from shared.tenancy.keys import key_id_of, matches

log = get_logger(__name__)


@dataclass(frozen=True)
class ReplicatedKey:
    tenant_id: str
    key_hash: str
    revoked: bool


async def upsert_keys(
    events: Sequence[TenantKeyIssued | TenantKeyRevoked], uow: UnitOfWork
) -> dict[str, ReplicatedKey]:
    """One multi-row upsert per batch; returns each key's row as it now stands.
    Order-independent: a revocation seen before its issue still wins. A batch holds one
    event type; a key named twice in it is written once (a multi-row upsert may not touch
    a row twice)."""
    if not events:
        return {}
    table = uow.tables.tenant_keys
    rows = {
        event.key_id: {
            "key_id": event.key_id,
            "tenant_id": event.tenant_id,
            "tenant_name": getattr(event, "tenant_name", ""),
            "key_hash": event.key_hash,
            "issued_at": getattr(event, "issued_at", None) or event.occurred_at,
            "revoked": isinstance(event, TenantKeyRevoked),
        }
        for event in events
    }
    stmt = upsert_insert(uow.session, table).values(list(rows.values()))
    revoked = isinstance(events[0], TenantKeyRevoked)
    update = {"revoked": True} if revoked else {"tenant_name": stmt.excluded.tenant_name}
    written = await uow.session.execute(
        stmt.on_conflict_do_update(index_elements=["key_id"], set_=update).returning(
            table.c.key_id, table.c.tenant_id, table.c.key_hash, table.c.revoked
        )
    )
    return {
        r.key_id: ReplicatedKey(str(r.tenant_id), str(r.key_hash), bool(r.revoked)) for r in written
    }


class KeyReplica:
    """This process's map of the replica table: key_id -> tenant, hash, revoked."""

    def __init__(self) -> None:
        self._keys: dict[str, ReplicatedKey] = {}

    async def load(self, db: Database) -> None:
        table = db.tables.tenant_keys
        async with db.read() as session:
            rows = await session.execute(
                select(table.c.key_id, table.c.tenant_id, table.c.key_hash, table.c.revoked)
            )
            self._keys = {
                r.key_id: ReplicatedKey(str(r.tenant_id), str(r.key_hash), bool(r.revoked))
                for r in rows
            }

    async def handle(
        self, events: Sequence[TenantKeyIssued | TenantKeyRevoked], uow: UnitOfWork
    ) -> None:
        """The consumer of tenant-key events: the rows now, the map once they committed."""
        written = await upsert_keys(events, uow)
        uow.after_commit.append(lambda: self._keys.update(written))

    def apply(self, events: Sequence[TenantKeyIssued | TenantKeyRevoked]) -> None:
        """Fold key events into this process's map, in any order: a revocation wins."""
        for e in events:
            known = self._keys.get(e.key_id)
            if isinstance(e, TenantKeyRevoked):
                tenant = known.tenant_id if known is not None else e.tenant_id
                self._keys[e.key_id] = ReplicatedKey(tenant, e.key_hash, True)
            elif known is None:
                self._keys[e.key_id] = ReplicatedKey(e.tenant_id, e.key_hash, False)

    async def positions(self, redis: Redis, streams: Sequence[str]) -> dict[str, bytes]:
        """Where each key stream ends now: taken before `load`, so `follow` from there
        misses nothing the table did not have yet."""
        found: dict[str, bytes] = {}
        for stream in streams:
            last: Any = await redis.xrevrange(stream, count=1)
            found[stream] = bytes(last[0][0]) if last else b"0-0"
        return found

    async def follow(self, redis: Redis, since: dict[str, bytes]) -> None:
        """Every process tails the key streams itself (XREAD, no group): the service's
        consumer group hands each event to one replica only, and every replica's map must
        learn every new key and every revocation. The table stays the group's to write."""
        models: dict[str, type[TenantKeyIssued] | type[TenantKeyRevoked]] = {
            s: TenantKeyIssued if s.endswith(TenantKeyIssued.TYPE) else TenantKeyRevoked
            for s in since
        }
        positions = dict(since)
        while True:
            try:
                answer: Any = await redis.xread(positions, count=500, block=1000)  # type: ignore[arg-type]
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("key_follow_failed", exc_info=True)
                await asyncio.sleep(1)
                continue
            # A cancellation swallowed by the client (the first XREAD's connect, see
            # shared.cancellation) would leave this loop blocking a second at a time forever.
            raise_if_cancelling()
            for raw_stream, entries in answer or []:
                stream = raw_stream.decode() if isinstance(raw_stream, bytes) else raw_stream
                events = []
                for entry_id, fields in entries:
                    positions[stream] = entry_id
                    with contextlib.suppress(Exception):  # unreadable: the group dead-letters it
                        body = BinaryMessageFormatV1.parse(fields[b"__data__"])[0]
                        events.append(models[stream].model_validate_json(body))
                self.apply(events)

    def tenant_for(self, key: str) -> str | None:
        """The tenant owning a valid, unrevoked key, else None. No I/O."""
        key_id = key_id_of(key)
        found = self._keys.get(key_id) if key_id is not None else None
        if found is None or found.revoked or not matches(key, found.key_hash):
            return None
        return found.tenant_id


async def tenant_for_key(session: AsyncSession, tables: PlatformTables, key: str) -> str | None:
    """The same check against the table itself (a process without a replica map)."""
    key_id = key_id_of(key)
    if key_id is None:
        return None
    table = tables.tenant_keys
    row = (
        await session.execute(
            select(table.c.tenant_id, table.c.key_hash, table.c.revoked).where(
                table.c.key_id == key_id
            )
        )
    ).first()
    if row is None or row.revoked or not matches(key, row.key_hash):
        return None
    return str(row.tenant_id)
