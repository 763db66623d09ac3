"""Serve one ASGI app with uvicorn on loopback, as the Dockerfile does, for the HTTP benchmark.

python -m bench.serve services.quiz.app:app PORT
python -m bench.serve bench.http_bench:build_bare_app PORT --factory

The process ends with its parent (Linux): a benchmark killed hard leaves no server behind.
"""

from __future__ import annotations

import argparse
import ctypes
import signal
import sys

import uvicorn

from bench.common import HOST

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", help="module:attribute of the ASGI app (or its factory)")
    parser.add_argument("port", type=int)
    parser.add_argument("--factory", action="store_true")
    args = parser.parse_args()
    _die_with_parent()
    uvicorn.run(
        args.target,
        host=HOST,
        port=args.port,
        factory=args.factory,
        lifespan="on",
        log_level="warning",
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )


if __name__ == "__main__":
    main()
