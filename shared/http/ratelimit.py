"""Rate limits shared by a service's replicas: counted in Redis with `limits` (a moving
window), so two replicas behind the proxy count together. A refusal is a 429 with
Retry-After and the IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers): the
limit, what remains (0) and the seconds until the window lets a request through again."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable

from fastapi import HTTPException
from limits import RateLimitItem, parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter

from shared.observability.logging import get_logger

log = get_logger(__name__)


class RateLimits:
    """Every check fails open: with Redis unreachable a request is let through (and a
    warning logged) rather than the API going down with the counter."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        self.storage = RedisStorage(
            f"async+{redis_url}",
            implementation="redispy",
            key_prefix=f"{prefix}ratelimit",
            socket_timeout=5,
        )
        self.limiter = MovingWindowRateLimiter(self.storage)

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

    async def refusal(self, item: RateLimitItem, *key: str) -> HTTPException:
        stats = await self.limiter.get_window_stats(item, *key)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        return HTTPException(
            429,
            detail={
                "error": "rate_limited",
                "message": f"too many requests: at most {item}; retry in {wait} s",
                "retry_after_s": wait,
            },
            headers={
                "Retry-After": str(wait),
                "RateLimit-Limit": str(item.amount),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(wait),
                "RateLimit-Policy": f"{item.amount};w={item.get_expiry()}",
            },
        )

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
