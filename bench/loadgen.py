"""The HTTP load generator: raw keep-alive sockets, `concurrency` workers, for a fixed time.

httpx spends about 1.5 ms of CPU per request here, so with it the load generator (one core)
tops out near the bare endpoint's rate and would measure itself. This one sends prebuilt
bytes and reads the status line, headers and a Content-Length or chunked body.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter, process_time

from bench.common import HOST, BenchError, cpu_seconds_of


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]
    errors: dict[str, int]
    client_cpu: float
    server_cpu_s: float

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else float("inf")

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams, one connection per worker."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    def request(self, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n"
        ).encode() + body

    async def send(self, request: bytes) -> int:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        try:
            writer.write(request)
            status, close = await self._read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            raise
        if close:
            await self.close()
        return status

    @staticmethod
    async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip().lower()
        if "content-length" in fields:
            await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        return status, fields.get("connection") == "close"

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


# i -> (path, body, headers) of the i-th request.
RequestOf = Callable[[int], tuple[str, bytes, dict[str, str]]]


async def fire(
    port: int,
    pid: int,
    request_of: RequestOf,
    *,
    seconds: float,
    concurrency: int,
    max_requests: int = 1_000_000,
    first: int = 0,
    ok: tuple[int, ...] = (200, 201, 202),
) -> LoadResult:
    """POSTs from `concurrency` workers sharing one counter (request numbers from `first`),
    each over its own keep-alive connection, for `seconds` (or `max_requests`)."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = itertools.count(first)
    last = first + max_requests

    def failed(key: str) -> None:
        errors[key] = errors.get(key, 0) + 1

    async def worker() -> None:
        raw = RawClient(HOST, port)
        try:
            while perf_counter() < deadline and (i := next(counter)) < last:
                path, body, headers = request_of(i)
                request = raw.request(path, body, headers)
                sent = perf_counter()
                try:
                    status = await raw.send(request)
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    failed(type(exc).__name__)
                    continue
                latencies.append(perf_counter() - sent)
                if status not in ok:
                    failed(str(status))
        finally:
            await raw.close()

    cpu_before, server_before = process_time(), cpu_seconds_of(pid)
    started = perf_counter()
    deadline = started + seconds
    try:
        await asyncio.wait_for(
            asyncio.gather(*(worker() for _ in range(concurrency))), timeout=seconds + 60
        )
    except TimeoutError:
        raise BenchError(
            f"{len(latencies)} requests done, then the server stopped answering"
        ) from None
    elapsed = perf_counter() - started
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        latencies=latencies,
        errors=errors,
        client_cpu=(process_time() - cpu_before) / elapsed,
        server_cpu_s=cpu_seconds_of(pid) - server_before,
    )
