"""The notifier (consumers and delivery worker) as its own process, for kill-and-restart
tests. Its HTTP routes are not served; the test reads the database.

    python -m tests.support.notifier_process <redis_url> <database_url> <prefix> <json>

<json> holds NotifierSettings overrides (e.g. a consumer name, a pause before sending).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys

from services.notifier.app import build_app
from tests.support.notifier import notifier_settings


async def main() -> None:
    redis_url, database_url, prefix, overrides = sys.argv[1:5]
    app = build_app(notifier_settings(redis_url, database_url, prefix, **json.loads(overrides)))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with app.router.lifespan_context(app):
        print("ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
