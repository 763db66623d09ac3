"""Child processes for `make run`: start them, stream their output, watch them, stop them.

Children stay in the launcher's process group, so a Ctrl-C in the terminal (or a kill of the
group) reaches them too; the launcher then stops whatever is left, in order.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

_COLORS = ("36", "33", "35", "32", "34", "31", "96", "93")

# `make run` gives up on a service still starting after this long, CPU used or not.
START_CEILING_S = 600.0
REPORT_EVERY_S = 15.0
# CPU a starting child must use within the readiness timeout to count as getting there.
PROGRESS_CPU_S = 0.1


class LaunchError(Exception):
    """Something the user must fix or know about; the launcher stops and exits non-zero."""


class Console:
    """Writes the launcher's lines and every child's, prefixed with a name, one at a time."""

    def __init__(self, *, color: bool = False) -> None:
        self._color = color
        self._lock = threading.Lock()
        self.width = 8

    def line(self, name: str, text: str, index: int = len(_COLORS) - 1) -> None:
        prefix = f"{name:>{self.width}} |"
        if self._color:
            prefix = f"\x1b[{_COLORS[index % len(_COLORS)]}m{prefix}\x1b[0m"
        self.write(f"{prefix} {text}")

    def say(self, text: str) -> None:
        self.line("run", text)

    def write(self, text: str) -> None:
        with self._lock:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=40))
    reader: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def how_it_ended(self) -> str:
        code = self.process.returncode
        return f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with {code}"

    def last_lines(self, count: int = 20) -> str:
        return "\n".join(f"    {line}" for line in list(self.tail)[-count:]) or "    (nothing)"


class Supervisor:
    """Owns every child it starts; `stop_all` leaves none behind."""

    def __init__(self, console: Console, log_dir: Path) -> None:
        self.console = console
        self.log_dir = log_dir
        self.children: dict[str, Child] = {}

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(  # noqa: S603 - the launcher builds argv; no shell
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        child = Child(name, process)
        args = (child, len(self.children))
        child.reader = threading.Thread(target=self._pump, args=args, daemon=True)
        child.reader.start()
        self.children[name] = child
        self.console.say(f"started {name} (pid {process.pid})")
        return child

    def _pump(self, child: Child, index: int) -> None:
        """Copy a child's output to the terminal, its log file and its tail."""
        assert child.process.stdout is not None
        with open(self.log_dir / f"{child.name}.log", "a", encoding="utf-8") as log:
            for raw in iter(child.process.stdout.readline, b""):
                text = raw.decode("utf-8", errors="replace").rstrip()
                child.tail.append(text)
                log.write(text + "\n")
                log.flush()
                self.console.line(child.name, text, index)

    def check_alive(self) -> None:
        """Raise LaunchError if any child has exited (they are meant to run until stopped)."""
        for child in self.children.values():
            if not child.alive:
                raise LaunchError(
                    f"{child.name} {child.how_it_ended()}\n  its last lines:\n{child.last_lines()}"
                )

    def watch(self, stop: threading.Event) -> None:
        """Return when `stop` is set; raise LaunchError as soon as a child exits on its own."""
        while not stop.wait(0.25):
            self.check_alive()

    def stop(self, names: Sequence[str], grace_s: float = 10.0) -> None:
        """SIGTERM these children, wait up to `grace_s`, then SIGKILL what is left."""
        children = [self.children[name] for name in names if name in self.children]
        for child in children:
            if child.alive:
                child.process.terminate()
        deadline = time.monotonic() + grace_s
        for child in children:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.console.say(f"{child.name} ignored SIGTERM for {grace_s:.0f}s; killing it")
                child.process.kill()
                child.process.wait(timeout=5)
        for child in children:
            if child.reader is not None:
                child.reader.join(timeout=2)

    def stop_all(self, first: Sequence[str] = (), grace_s: float = 10.0) -> None:
        """Stop `first` (the proxy, so no new requests arrive), then the rest, within `grace_s`."""
        deadline = time.monotonic() + grace_s
        self.stop(first, grace_s)
        rest = [name for name in self.children if name not in first]
        self.stop(rest, max(2.0, deadline - time.monotonic()))

    def wait_ready(
        self,
        urls: Mapping[str, str],
        timeout_s: float,
        stop: threading.Event,
        ceiling_s: float = START_CEILING_S,
    ) -> None:
        """Poll each child's URL until it answers 200, waiting as long as a child shows it is
        getting there: one that does not answer yet (importing, migrating, starting its
        consumers) is waited for while it keeps using CPU, however busy the machine; one
        that answers, but not 200, gets `timeout_s` from its first answer. Raise
        LaunchError when a child dies, one stalls (no answer and no CPU used for
        `timeout_s`), one answers without becoming ready, or after `ceiling_s` in all, naming
        which and what each last said. Every `REPORT_EVERY_S` it says who it waits for."""
        waits = {name: _Wait(url, self.children[name]) for name, url in urls.items()}
        started = report_at = time.monotonic()
        with httpx.Client(timeout=1.0, trust_env=False) as client:
            while waits and not stop.is_set():
                self.check_alive()
                now = time.monotonic()
                for name, wait in list(waits.items()):
                    if wait.poll(client, now):
                        del waits[name]
                        self.console.say(f"{name} is ready")
                late = {n: w for n, w in waits.items() if w.overdue(now, timeout_s)}
                if waits and now - started > ceiling_s:
                    late, timeout_s = waits, ceiling_s
                if late:
                    raise self._not_ready(late, timeout_s)
                if waits and now - report_at >= REPORT_EVERY_S:
                    report_at = now
                    self.console.say(
                        f"waiting {now - started:.0f}s for "
                        + "; ".join(f"{name} ({wait.status()})" for name, wait in waits.items())
                    )
                stop.wait(0.2)

    def _not_ready(self, late: Mapping[str, _Wait], after_s: float) -> LaunchError:
        details = (
            f"  {name}: {wait.why()}; its last lines:\n{self.children[name].last_lines()}"
            for name, wait in late.items()
        )
        return LaunchError(
            f"not ready after {after_s:.0f}s: {', '.join(late)}\n" + "\n".join(details)
        )


@dataclass
class _Wait:
    """One child's way to readiness: its answers, and its CPU time while it has none."""

    url: str
    child: Child
    last: str = "no answer yet"
    answered_at: float | None = None
    cpu: float | None = None
    moved_at: float = field(default_factory=time.monotonic)

    def poll(self, client: httpx.Client, now: float) -> bool:
        """Ask once; True when ready."""
        try:
            status = client.get(self.url).status_code
        except httpx.HTTPError as exc:
            self.last = f"{type(exc).__name__} from {self.url}"
            cpu = cpu_seconds(self.child.process.pid)
            if cpu is None or self.cpu is None or cpu - self.cpu >= PROGRESS_CPU_S:
                self.cpu, self.moved_at = cpu, now  # still starting (or no way to tell)
            return False
        self.last = f"HTTP {status} from {self.url}"
        if self.answered_at is None:
            self.answered_at = now
        return status == 200

    def overdue(self, now: float, timeout_s: float) -> bool:
        since = self.answered_at if self.answered_at is not None else self.moved_at
        return now - since > timeout_s

    def why(self) -> str:
        if self.answered_at is not None:
            return self.last
        return f"{self.last} ({self.status()})"

    def status(self) -> str:
        if self.answered_at is not None:
            return self.last
        cpu = "" if self.cpu is None else f", {self.cpu:.1f}s CPU so far"
        return f"starting: no answer yet{cpu}"


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process (Linux /proc); None where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def require_free_ports(ports: Mapping[str, int]) -> None:
    for name, port in ports.items():
        # SO_REUSEADDR as uvicorn and Caddy bind: a port in TIME_WAIT is free for them too.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                raise LaunchError(
                    f"port {port} on 127.0.0.1 (for {name}) is already in use; is another "
                    "`make run` running? Choose others with --port / --service-port-base"
                ) from None
