"""A service's consumer groups on its streams: created at id 0 before the broker starts (so
events published before a service's first start are not lost; FastStream would create them
at `$`), the consumers of dead processes forgotten, and how far each group has come."""

from __future__ import annotations

import contextlib

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from shared.observability.metrics import STREAM_LAG, STREAM_PENDING

# KEYS[1] stream; ARGV group, idle ms, the caller's own name (kept). Deletes, atomically,
# the consumers that hold no pending entry and have been idle longer; returns how many.
FORGET_STALE_CONSUMERS = """
local removed = 0
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local f = {}
  for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
  if f['name'] ~= ARGV[3] and f['pending'] == 0 and f['idle'] > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f['name'])
    removed = removed + 1
  end
end
return removed
"""


async def create_group(redis: Redis, stream: str, group: str) -> None:
    """The group on `stream` (and the stream), from its first entry; kept if it exists."""
    try:
        await redis.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


async def forget_stale_consumers(
    redis: Redis, stream: str, group: str, *, idle_ms: int, keep: str
) -> None:
    """Replicas get a new consumer name each start; drop old names that hold nothing.
    A consumer with pending entries is kept: deleting it would strand them (the
    reclaimer takes them over, and a later sweep removes it). The check and the delete
    are one script, so an entry delivered in between is never deleted with it. (Redis
    7.0 counts `idle` from the last delivery: a quiet live replica may be removed too,
    which costs nothing: holding nothing, it is created again by its next read.)"""
    await redis.eval(FORGET_STALE_CONSUMERS, 1, stream, group, idle_ms, keep)


async def leave_group(redis: Redis, stream: str, group: str, consumer: str) -> None:
    """Remove `consumer` from the group if it holds nothing; one that still holds entries (a
    handler that failed) is kept, so the reclaimer can take them over."""
    with contextlib.suppress(ResponseError):
        for found in await redis.xinfo_consumers(stream, group):
            if found["name"].decode() == consumer and found["pending"] == 0:
                await redis.xgroup_delconsumer(stream, group, consumer)


async def all_caught_up(redis: Redis, stream: str) -> bool:
    """Whether every group on `stream` has taken and acknowledged all its entries."""
    try:
        info = await redis.xinfo_stream(stream)
        groups = await redis.xinfo_groups(stream)
    except ResponseError:
        return True  # no stream yet: no consumer to wait for
    last = info["last-generated-id"]
    return all(g["last-delivered-id"] == last and g["pending"] == 0 for g in groups)


async def refresh_gauges(redis: Redis, service: str, stream: str, group: str) -> bool:
    """The group's lag and pending entries, as gauges; False if the group is missing."""
    with contextlib.suppress(ResponseError):
        for g in await redis.xinfo_groups(stream):
            if g["name"].decode() == group:
                STREAM_LAG.labels(service, stream).set(g.get("lag") or 0)
                STREAM_PENDING.labels(service, stream).set(g["pending"])
                return True
    return False
