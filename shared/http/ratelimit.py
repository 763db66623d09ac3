"""Rate limits, answered alike: a 429 with Retry-After and the IETF RateLimit headers
(draft-ietf-httpapi-ratelimit-headers): the limit, what remains (0) and the seconds until a
request is let through again.

- `RateLimits`: shared by a service's replicas, counted in Redis with `limits` (a moving
  window), for the rare requests that must be counted across replicas (`POST .../test`,
  wrong operator tokens): one round trip each.
- `LocalRateLimit`: counted in this process's memory (a token bucket), no I/O.
- `SharedRateLimit`: the limits checked on every request of the tenant API (per tenant, per
  address without a valid key): a `LocalRateLimit` in front, and a count per window shared
  by the replicas in Redis, synchronised in the background every `sync_s`, so a request
  costs no round trip and N replicas together let through about the rule, not N times it."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from shared.cancellation import raise_if_cancelling
from shared.http.problems import ApiError
from shared.observability.logging import get_logger

log = get_logger(__name__)


def rate_limited(item: RateLimitItem, wait_s: float) -> tuple[dict[str, Any], dict[str, str]]:
    """The problem (`detail` and extras) and the headers of a 429 for `item`, `wait_s`
    before a retry."""
    wait = max(1, math.ceil(wait_s))
    body = {
        "detail": f"too many requests: at most {item}; retry in {wait} s",
        "retry_after_s": wait,
    }
    headers = {
        "Retry-After": str(wait),
        "RateLimit-Limit": str(item.amount),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(wait),
        "RateLimit-Policy": f"{item.amount};w={item.get_expiry()}",
    }
    return body, headers


class PerKeyLimit(Protocol):
    """What the tenant API's middleware checks on every request."""

    item: RateLimitItem

    def hit(self, key: str) -> float: ...


class RateLimits:
    """Every check fails open: with Redis unreachable a request is let through (and a
    warning logged) rather than the API going down with the counter."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        self._redis_url, self._prefix = redis_url, prefix
        self._limiter: MovingWindowRateLimiter | None = None

    @property
    def limiter(self) -> MovingWindowRateLimiter:
        """Made on first use: the storage's construction imports a Redis client of its own
        (and valkey's, when installed), a quarter of a second that a restarting service
        need not spend before it serves."""
        if self._limiter is None:
            storage = RedisStorage(
                f"async+{self._redis_url}",
                implementation="redispy",
                key_prefix=f"{self._prefix}ratelimit",
                socket_timeout=5,
            )
            self._limiter = MovingWindowRateLimiter(storage)
        return self._limiter

    async def hit(self, rule: str, *key: str) -> None:
        """Count one request against `rule` ("10/minute") for `key`; 429 when over it."""
        item = parse(rule)
        if not await self._ask(self.limiter.hit(item, *key)):
            raise await self.refusal(item, *key)

    async def count(self, rule: str, *key: str) -> None:
        """Count one against `rule` for `key`, refusing nothing now (failures, say)."""
        await self._ask(self.limiter.hit(parse(rule), *key))

    async def allowed(self, rule: str, *key: str) -> bool:
        """Whether a request would be let through now, without counting one."""
        return await self._ask(self.limiter.test(parse(rule), *key))

    async def refusal(self, item: RateLimitItem, *key: str) -> ApiError:
        stats = await self.limiter.get_window_stats(item, *key)
        body, headers = rate_limited(item, stats.reset_time - time.time())
        return ApiError(**body, status=429, headers=headers)

    async def refuse_if_over(self, rule: str, *key: str) -> None:
        item = parse(rule)
        if not await self._ask(self.limiter.test(item, *key)):
            raise await self.refusal(item, *key)

    async def _ask(self, check: Awaitable[bool]) -> bool:
        try:
            return bool(await check)
        except Exception as exc:  # the counter's store is down: let the request through
            log.warning("rate_limit_unavailable", error=type(exc).__name__)
            return True


class LocalRateLimit:
    """A limit per key counted in this process's memory, so a check is a dict lookup and
    some arithmetic (~0.2 µs), no I/O. A token bucket (GCRA: one number per key, the time
    its bucket is full again): "50/second" lets a key send 50 at once, then one every 20 ms.

    Per process: behind N replicas a key gets N times the rule. (The `limits` library's
    memory storage costs 4-13 µs a hit and runs an expiry thread every 10 ms under traffic,
    scanning every key.) A key idle for a whole period is forgotten at the next tidy-up,
    so memory follows the keys active within one period."""

    def __init__(self, rule: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.item = parse(rule)
        self._clock = clock
        period = float(self.item.get_expiry())
        self.interval = period / self.item.amount
        self.tolerance = period - self.interval
        self._full_at: dict[str, float] = {}
        self._tidy_at = 1024

    def hit(self, key: str) -> float:
        """Count one request for `key`: 0.0 if it is let through, else the seconds until
        one would be (a refused request is not counted)."""
        now = self._clock()
        full_at = self._full_at.get(key, now)
        if full_at < now:
            full_at = now
        wait = full_at - now - self.tolerance
        if wait > 1e-9:  # not a rounding error of the last request of a full burst
            return wait
        self._full_at[key] = full_at + self.interval
        if len(self._full_at) > self._tidy_at:
            self._tidy(now)
        return 0.0

    def __len__(self) -> int:
        """How many keys are remembered."""
        return len(self._full_at)

    def _tidy(self, now: float) -> None:
        self._full_at = {key: at for key, at in self._full_at.items() if at > now}
        self._tidy_at = max(1024, 2 * len(self._full_at))


class SharedRateLimit:
    """A limit per key shared by a service's replicas, at no I/O per request.

    Each replica lets a request through when its own token bucket (`LocalRateLimit`, which
    smooths bursts) allows it and the key's count in the current window of the rule's
    period, as last read from Redis plus what this replica let through since, is below the
    rule's amount. Every `sync_s` a background task adds what this replica let through per
    key and window to Redis (one pipeline: INCRBY and an expiry per key) and reads the
    totals back. So replicas together let through about the rule per window: at most
    `sync_s` of every other replica's traffic more, the lag of the last read (fixed
    windows: up to twice the amount across a window's edge, the bucket still cuts bursts).

    Fails open: with Redis unreachable each replica goes on with its own bucket and the
    counts it last read, logs a warning, and adds its counts at the next sync that works.
    Memory: one number per key and window seen within the last two windows."""

    def __init__(
        self,
        rule: str,
        *,
        name: str,
        prefix: str,
        sync_s: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.local = LocalRateLimit(rule, clock=clock)
        self.item = self.local.item
        self.period = int(self.item.get_expiry())
        self.sync_s = sync_s
        self._clock = clock
        self._key_prefix = f"{prefix}ratelimit:{name}:"
        self._pending: dict[tuple[str, int], int] = {}  # let through here, not yet added
        self._totals: dict[tuple[str, int], int] = {}  # every replica's, as last read
        self._failing = False

    def hit(self, key: str) -> float:
        """Count one request for `key`: 0.0 if it is let through, else the seconds until
        one would be (a refused request is not counted)."""
        now = self._clock()
        window = int(now // self.period)
        counted = (key, window)
        if self._totals.get(counted, 0) + self._pending.get(counted, 0) >= self.item.amount:
            return (window + 1) * self.period - now
        wait = self.local.hit(key)
        if not wait:
            self._pending[counted] = self._pending.get(counted, 0) + 1
        return wait

    async def run(self, redis: Redis) -> None:
        """Synchronise every `sync_s` until cancelled."""
        while True:
            await asyncio.sleep(self.sync_s)
            await self.sync(redis)
            raise_if_cancelling()  # one swallowed in a Redis call: the task still ends

    async def sync(self, redis: Redis) -> None:
        """Add this replica's counts to Redis and read every key's total back."""
        window = int(self._clock() // self.period)
        pending, self._pending = self._pending, {}
        # Counts of windows past are kept no longer: the window after them has begun.
        self._totals = {k: n for k, n in self._totals.items() if k[1] >= window}
        if not pending:
            return
        counted = sorted(pending)
        try:
            async with redis.pipeline(transaction=False) as pipe:
                for key, at in counted:
                    name = f"{self._key_prefix}{key}:{at}"
                    pipe.incrby(name, pending[(key, at)])
                    pipe.expire(name, 2 * self.period)
                replies = await pipe.execute()
        except Exception as exc:
            for k, n in pending.items():  # added at the next sync that works
                if k[1] >= window:
                    self._pending[k] = self._pending.get(k, 0) + n
            if not self._failing:
                log.warning("rate_limit_sync_failed", error=type(exc).__name__)
            self._failing = True
            return
        self._failing = False
        for k, total in zip(counted, replies[::2], strict=True):
            if k[1] >= window:
                self._totals[k] = int(total)

    def __len__(self) -> int:
        """How many (key, window) counts are remembered."""
        return len(self._pending.keys() | self._totals.keys())
