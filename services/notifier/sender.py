"""One webhook attempt over HTTP: resolve, vet every address, connect to the vetted one.

The name is resolved at send time and every address it has is checked against the policy;
the connection then goes to the vetted IP (Host header and TLS SNI keep the name, and the
certificate is verified against the name), so DNS cannot change between check and connect.
No redirect is followed, no proxy from the environment is used, and no connection is kept
alive (a kept connection to one IP must never serve another name). The whole attempt,
resolution included, is bounded by the attempt timeout.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import httpx

from services.notifier.domain.addresses import AddressPolicy, UrlRefused, address_refusal, check_url
from services.notifier.domain.retries import AttemptResult
from services.notifier.domain.signing import signature_headers

Resolver = Callable[[str, int], Awaitable[list[str]]]
USER_AGENT = "SpineFit-Webhooks/1"


async def resolve(host: str, port: int) -> list[str]:
    """Every address the name has (IPv4 and IPv6), through the system resolver."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def vetted_addresses(url: str, policy: AddressPolicy, resolver: Resolver) -> list[str]:
    """The addresses to connect to, or UrlRefused when the URL or any address is refused."""
    target = check_url(url, policy)
    if target.is_literal_ip:
        return [target.host]
    try:
        addresses = await resolver(target.host, target.port)
    except OSError:
        raise UrlRefused("host name does not resolve") from None
    if not addresses:
        raise UrlRefused("host name does not resolve")
    for address in addresses:
        if reason := address_refusal(address.split("%", 1)[0], policy):
            raise UrlRefused(f"refused: resolves to a {reason}")
    return addresses


class Sender:
    def __init__(
        self, policy: AddressPolicy, timeout_s: float, resolver: Resolver = resolve
    ) -> None:
        self.policy = policy
        self.timeout_s = timeout_s
        self.resolver = resolver
        self.client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def send(
        self, url: str, msg_id: str, body: str, secrets: Sequence[str], now: datetime
    ) -> AttemptResult:
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        try:
            async with asyncio.timeout(self.timeout_s):
                addresses = await vetted_addresses(url, self.policy, self.resolver)
                request = self._request(url, addresses[0], msg_id, body, secrets, now)
                response = await self.client.send(request, stream=True)
                status = response.status_code
                await response.aclose()  # the body is not needed: never wait for it
        except UrlRefused:
            error = "address_refused"
        except (TimeoutError, httpx.TimeoutException):
            error = "timeout"
        except httpx.ConnectError:
            error = "connect_error"
        except httpx.HTTPError as exc:
            error = type(exc).__name__[:100]
        latency_ms = round((time.perf_counter() - started) * 1000)
        return AttemptResult(status_code=status, latency_ms=latency_ms, error=error)

    def _request(
        self,
        url: str,
        address: str,
        msg_id: str,
        body: str,
        secrets: Sequence[str],
        now: datetime,
    ) -> httpx.Request:
        original = httpx.URL(url)
        pinned = original.copy_with(host=address.split("%", 1)[0])
        host_header = original.host if original.port is None else f"{original.host}:{original.port}"
        if ":" in original.host:  # an IPv6 literal keeps its brackets in Host
            host_header = host_header.replace(original.host, f"[{original.host}]", 1)
        headers = {
            "Host": host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **signature_headers(msg_id, now, body, secrets),
        }
        extensions = {"sni_hostname": original.host} if original.scheme == "https" else {}
        return self.client.build_request(
            "POST", pinned, headers=headers, content=body.encode(), extensions=extensions
        )
