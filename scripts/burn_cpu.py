"""Run a command while CPU-bound processes keep the cores busy, as on a loaded CI machine.

python scripts/burn_cpu.py [--workers 2] [--max-seconds 1800] -- COMMAND [ARG...]

Each burner is a process spinning on arithmetic at normal priority. They stop when the
command ends, when `--max-seconds` have passed, or when this process goes away (each one
checks its parent), so they never outlive the run. The command finds their pids in
BURN_CPU_PIDS. The exit status is the command's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time


def burn(until: float, parent: int) -> None:
    """Spin until `until` (monotonic) or until the parent that started us is gone."""
    x = 0
    while time.monotonic() < until and os.getppid() == parent:
        for i in range(200_000):  # ~10 ms of pure CPU between checks
            x = (x * 31 + i) % 1_000_003


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    until = time.monotonic() + args.max_seconds
    burners = [
        multiprocessing.Process(target=burn, args=(until, os.getpid()), daemon=True)
        for _ in range(args.workers)
    ]
    for burner in burners:
        burner.start()
    pids = " ".join(str(burner.pid) for burner in burners)
    print(
        f"burn_cpu: {args.workers} burners (pids {pids}) for at most {args.max_seconds:.0f} s "
        f"while running: {' '.join(command)}",
        flush=True,
    )
    try:
        env = {**os.environ, "BURN_CPU_PIDS": pids}  # the command may watch them
        return subprocess.call(command, env=env)  # noqa: S603 - the caller's own command, no shell
    except KeyboardInterrupt:
        return 130
    finally:
        for burner in burners:
            burner.terminate()
        for burner in burners:
            burner.join(5)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
