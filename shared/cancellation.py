"""What a long-running loop needs so that it ends when it is cancelled.

Python 3.11's `asyncio.wait_for` returns the result of its inner future when that future
finished just as the cancellation arrived, and the cancellation is lost (CPython gh-86296,
fixed in 3.12 by the rewrite over `asyncio.timeout`). redis-py wraps every send in a
`wait_for` when the client has a socket timeout, and the loops here wait on their events
with it too: a cancellation that lands there leaves the task marked as cancelling but
running, and a loop that goes on by itself (XREAD with BLOCK, a periodic sync) never ends,
so a shutdown waited out its 15 s bound. The task still knows it was asked to stop
(`Task.cancelling()`): each such loop checks after every turn."""

from __future__ import annotations

import asyncio


def raise_if_cancelling() -> None:
    """Raise CancelledError if the current task was cancelled and the cancellation was
    swallowed on the way (see the module's docstring)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
