"""The tenant API's limits are shared by a service's replicas through Redis (real Redis),
at no I/O per request: each replica adds what it let through to the window's count in the
background and reads every replica's total back. A clock held still keeps the test in one
window whatever the machine's speed."""

from __future__ import annotations

import asyncio

import redis
from redis.asyncio import Redis

from shared.http.ratelimit import SharedRateLimit
from tests.support.waiting import scaled


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def replicas(prefix: str, clock: Clock, n: int = 2) -> list[SharedRateLimit]:
    return [
        SharedRateLimit("10/minute", name="tenant", prefix=prefix, clock=clock) for _ in range(n)
    ]


def let_through(limit: SharedRateLimit, key: str, n: int) -> int:
    return sum(1 for _ in range(n) if limit.hit(key) == 0.0)


async def test_two_replicas_together_let_through_the_rule_not_twice_it(
    redis_url: str, prefix: str
) -> None:
    clock = Clock(600_000.0)  # the start of a minute
    a, b = replicas(prefix, clock)
    client = Redis.from_url(redis_url)
    try:
        assert let_through(a, "tn_a", 6) == 6
        await a.sync(client)
        assert let_through(b, "tn_a", 1) == 1  # b has not read the count yet
        await b.sync(client)  # 7 in Redis now
        assert let_through(b, "tn_a", 10) == 3  # its own bucket would have let 9 more through
        wait = b.hit("tn_a")
        assert 0 < wait <= 60  # until the next window
        await b.sync(client)  # 10 in Redis
        # a still holds the 6 it read: one more gets through there (the lag of a sync),
        # and once it has added it and read the total back, it refuses too.
        assert a.hit("tn_a") == 0.0
        await a.sync(client)
        assert a.hit("tn_a") > 0
        assert let_through(a, "tn_b", 10) == 10  # another tenant is counted apart
        clock.at += 60  # the next window: a fresh count, and b's bucket has refilled
        assert let_through(b, "tn_a", 10) == 10
    finally:
        await client.aclose()


async def test_with_redis_unreachable_a_replica_goes_on_alone_and_adds_its_count_later(
    redis_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    clock = Clock(1_200_000.0)
    (a,) = replicas(prefix, clock, 1)
    down = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    up = Redis.from_url(redis_url)
    try:
        assert let_through(a, "tn_a", 4) == 4
        await a.sync(down)  # fails: a warning, nothing lost, nothing refused for it
        assert let_through(a, "tn_a", 2) == 2
        await a.sync(up)
        assert redis_client.get(f"{prefix}ratelimit:tenant:tn_a:{int(clock.at // 60)}") == b"6"
        assert redis_client.ttl(f"{prefix}ratelimit:tenant:tn_a:{int(clock.at // 60)}") > 60
    finally:
        await down.aclose()
        await up.aclose()


async def test_counts_of_past_windows_are_forgotten(redis_url: str, prefix: str) -> None:
    clock = Clock(1_800_000.0)
    (a,) = replicas(prefix, clock, 1)
    client = Redis.from_url(redis_url)
    try:
        for i in range(50):
            a.hit(f"tn_{i}")
        await a.sync(client)
        assert len(a) == 50
        clock.at += 60
        await a.sync(client)
        assert len(a) == 0
    finally:
        await client.aclose()


async def test_a_sync_task_cancelled_at_any_point_ends(redis_url: str, prefix: str) -> None:
    """Shutdown cancels the sync task wherever it is, inside a Redis call too (where the
    client may swallow the cancellation): it must end, not keep syncing until the service's
    shutdown step times out."""
    client = Redis.from_url(redis_url)
    try:
        for i in range(40):
            limit = SharedRateLimit("1000/minute", name="tenant", prefix=prefix, sync_s=0.0005)
            task = asyncio.create_task(limit.run(client))
            for _ in range(i % 7 + 1):
                limit.hit(f"tn_{i}")  # something to add at each sync
                await asyncio.sleep(0.0003 * (i % 5))
            task.cancel()
            done, _ = await asyncio.wait([task], timeout=scaled(10))
            assert done == {task}, f"still running after the cancellation (round {i})"
    finally:
        await client.aclose()
