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
    # The URL is checked with one parser and sent with another (httpx): both must read the
    # same host, or what is vetted would not be what is called (and a URL the client cannot
    # even parse would fail every attempt without one being recorded).
    try:
        client_host = httpx.URL(url).raw_host.decode("ascii").rstrip(".").lower()
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raise UrlRefused("not a valid URL for the HTTP client") from None
    if client_host != target.host:
        raise UrlRefused("ambiguous host")
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
            raise UrlRefused(f"refused: the name resolves to a non-public address ({reason})")
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
                # Every address was vetted; the next one is tried when one cannot be reached
                # (e.g. an IPv6 address from a host without an IPv6 route).
                for index, address in enumerate(addresses):
                    try:
                        request = self._request(url, address, msg_id, body, secrets, now)
                    except (httpx.InvalidURL, UnicodeError, ValueError):
                        # Never raise out of an attempt: the worker would not record it and
                        # the delivery would come back after every lease, forever.
                        raise UrlRefused("not a valid URL for the HTTP client") from None
                    try:
                        response = await self.client.send(request, stream=True)
                    except httpx.ConnectError:
                        if index + 1 < len(addresses):
                            continue
                        raise
                    status = response.status_code
                    await response.aclose()  # the body is not needed: never wait for it
                    break
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
        # The ASCII (IDNA) form: `.host` decodes xn-- names, which no header or SNI can carry.
        host = original.raw_host.decode("ascii")
        if ":" in host:  # an IPv6 literal keeps its brackets in Host
            host = f"[{host}]"
        host_header = host if original.port is None else f"{host}:{original.port}"
        headers = {
            "Host": host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **signature_headers(msg_id, now, body, secrets),
        }
        sni = original.raw_host.decode("ascii")
        extensions = {"sni_hostname": sni} if original.scheme == "https" else {}
        return self.client.build_request(
            "POST", pinned, headers=headers, content=body.encode(), extensions=extensions
        )
