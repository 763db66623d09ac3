"""The CPU burner of `make test-loaded`: it runs the command, answers with its status and
leaves no burner behind, whether the command ends first or the burners' time is up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.waiting import scaled

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "burn_cpu.py"
# Run by the burner: prints the burners' pids, then exits with a status or, with an
# argument, once every burner is gone (1 if they are still there after that many seconds).
COMMAND = """
import os, pathlib, sys, time
pids = os.environ["BURN_CPU_PIDS"].split()
print("watching burners:", *pids, flush=True)

def running(pid):  # an ended burner stays a zombie until the burner script reaps it
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False

if len(sys.argv) > 1:
    deadline = time.monotonic() + float(sys.argv[1])
    while any(running(p) for p in pids):
        if time.monotonic() > deadline:
            sys.exit(1)
        time.sleep(0.05)
    sys.exit(0)
sys.exit(3)
"""


def _burn(*args: str) -> tuple[int, list[int]]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=scaled(90)
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("watching burners:"))
    return done.returncode, [int(pid) for pid in line.split()[2:]]


def _gone(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()  # ended and reaped by the burner script


def test_the_command_s_status_is_answered_and_no_burner_is_left() -> None:
    status, pids = _burn("--workers", "2", "--", sys.executable, "-c", COMMAND)
    assert status == 3
    assert len(pids) == 2
    assert all(_gone(pid) for pid in pids)


def test_burners_stop_by_themselves_when_their_time_is_up() -> None:
    """The command waits for the burners to be gone while it still runs."""
    args = ["--workers", "1", "--max-seconds", "0.2", "--", sys.executable, "-c", COMMAND]
    status, pids = _burn(*args, str(scaled(60)))
    assert status == 0
    assert all(_gone(pid) for pid in pids)
