from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

# Every wait in the tests is a poll with a deadline; on a machine busier than ours, set
# SPINEFIT_TEST_TIMEOUT_SCALE=3 (say) and every deadline grows with it.
TIMEOUT_SCALE = float(os.environ.get("SPINEFIT_TEST_TIMEOUT_SCALE", "1") or 1)


def scaled(seconds: float) -> float:
    """A test's deadline, in seconds, grown by SPINEFIT_TEST_TIMEOUT_SCALE."""
    return seconds * max(TIMEOUT_SCALE, 1.0)


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
    """Poll `check` until it returns something truthy; fail with its last value on timeout
    (`timeout` scaled by SPINEFIT_TEST_TIMEOUT_SCALE)."""
    timeout = scaled(timeout)
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")
