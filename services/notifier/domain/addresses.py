"""Where webhooks may go: the URL and address policy (server-side request forgery guard).

A tenant chooses the URL, so without this policy a tenant could make SpineFit call into its
own network: the cloud metadata service, databases on private addresses, admin pages on
loopback. The rules are checked at registration and again on every resolved address at
send time (DNS can change between the two).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2000
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
# Ranges Python's `is_global` lets through on some versions, refused explicitly.
REFUSED_NETWORKS = (
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT
    ipaddress.ip_network("fc00::/7"),  # IPv6 unique local
    ipaddress.ip_network("fe80::/10"),  # IPv6 link-local
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64: may embed any IPv4
    ipaddress.ip_network("fec0::/10"),  # IPv6 site-local (deprecated, still routed inside)
    ipaddress.ip_network("3fff::/20"),  # IPv6 documentation
    ipaddress.ip_network("192.88.99.0/24"),  # deprecated 6to4 relay anycast
)


class UrlRefused(ValueError):
    """The URL may not receive webhooks; the message says why (shown to the tenant)."""


@dataclass(frozen=True)
class AddressPolicy:
    https_only: bool
    allow_loopback: bool


@dataclass(frozen=True)
class Target:
    """A vetted URL's parts: where to resolve and connect."""

    url: str
    scheme: str
    host: str
    port: int

    @property
    def is_literal_ip(self) -> bool:
        return _literal_ip(self.host) is not None


def address_refusal(address: str | IPAddress, policy: AddressPolicy) -> str | None:
    """Why an address may not be called, or None when it may."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4-mapped address (::ffff:a.b.c.d) reaches the IPv4 host: judge that one.
        if ip.ipv4_mapped is not None:
            return address_refusal(ip.ipv4_mapped, policy)
        if ip.sixtofour is not None or ip.teredo is not None:
            return "tunnelled address"
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    if ip.is_loopback:
        return None if policy.allow_loopback else "loopback address"
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_private or any(ip in net for net in REFUSED_NETWORKS if net.version == ip.version):
        return "private address"
    if ip.is_reserved or not ip.is_global:
        return "reserved address"
    return None


def check_url(url: str, policy: AddressPolicy) -> Target:
    """The URL's target if its form is acceptable (names are resolved and checked later)."""
    if len(url) > MAX_URL_LENGTH:
        raise UrlRefused(f"longer than {MAX_URL_LENGTH} characters")
    # URL parsers silently drop tabs and newlines (and differ on other controls), so the URL
    # checked would not be the URL stored and sent: refuse them outright.
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise UrlRefused("must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if scheme not in ("http", "https") or not host:
        raise UrlRefused("must be an absolute http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("must not carry credentials")
    if parts.fragment:
        raise UrlRefused("must not have a fragment")
    if port == 0:
        raise UrlRefused("port 0 is not a port")
    if scheme == "http" and (policy.https_only or host not in LOOPBACK_NAMES):
        raise UrlRefused(
            "must use https" if policy.https_only else "http is allowed for localhost only"
        )
    ip = _literal_ip(host)
    if ip is not None and (reason := address_refusal(ip, policy)):
        raise UrlRefused(f"refused: {reason}")
    if ip is None and host == "localhost" and not policy.allow_loopback:
        raise UrlRefused("refused: loopback address")
    if ip is None and not _valid_hostname(host):
        raise UrlRefused("invalid host name")
    return Target(url=url, scheme=scheme, host=host, port=port or _default_port(parts))


def _default_port(parts: SplitResult) -> int:
    return 443 if parts.scheme.lower() == "https" else 80


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _valid_hostname(host: str) -> bool:
    labels = host.split(".")
    return len(host) <= 253 and all(
        0 < len(label) <= 63
        and all(c.isalnum() or c == "-" for c in label)
        and not label.startswith("-")
        and label.isascii()
        for label in labels
    )
