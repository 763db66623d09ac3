"""A probe consumer as its own process, for kill-and-restart tests.

    python -m tests.support.probe_consumer <redis_url> <database_url> <prefix> <consumer>
        [--batch] [--crash-after N]

With --crash-after N the process dies (os._exit, no cleanup, no ack) right after the N-th
successful commit of an effect: the moment between commit and acknowledgement.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from typing import Any

from shared.messaging.consumer import EventProcessor
from tests.support.probe import Probe, ProbeSettings
from tests.support.settings import fast_settings


def _crash_after(n: int) -> None:
    committed = 0

    def wrap(method: Any) -> Any:
        async def wrapper(self: EventProcessor, *args: Any, **kwargs: Any) -> Any:
            nonlocal committed
            result = await method(self, *args, **kwargs)  # committed once this returns
            committed += 1
            if committed >= n:
                os._exit(17)
            return result

        return wrapper

    # Every commit of an effect goes through apply_many (apply_one is a batch of one).
    EventProcessor.apply_many = wrap(EventProcessor.apply_many)  # type: ignore[method-assign]


async def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("redis_url", "database_url", "prefix", "consumer"):
        parser.add_argument(name)
    parser.add_argument("--batch", action="store_true")
    parser.add_argument("--crash-after", type=int, default=0)
    args = parser.parse_args()
    if args.crash_after:
        _crash_after(args.crash_after)
    settings = ProbeSettings(
        redis_url=args.redis_url,
        database_url=args.database_url,
        stream_prefix=args.prefix,
        consumer_name=args.consumer,
        **fast_settings(batch_size=5 if args.batch else 1),
    )
    probe = Probe(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await probe.start()
    print("ready", flush=True)
    await stop.wait()
    await probe.stop()


if __name__ == "__main__":
    asyncio.run(main())
