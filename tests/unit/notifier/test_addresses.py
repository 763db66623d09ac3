"""The address and URL policy that keeps webhooks out of private networks."""

from __future__ import annotations

import pytest

from services.notifier.domain.addresses import AddressPolicy, UrlRefused, address_refusal, check_url

PRODUCTION = AddressPolicy(https_only=True, allow_loopback=False)
DEVELOPMENT = AddressPolicy(https_only=False, allow_loopback=True)


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # cloud metadata
        "fd00:ec2::254",  # AWS metadata over IPv6
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "0.0.0.0",
        "::",
        "169.254.10.10",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "100.64.0.1",  # carrier-grade NAT
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "2002:a00:1::1",  # 6to4 wrapping 10.0.0.1
        "192.0.2.1",  # documentation
    ],
)
def test_non_public_addresses_are_refused_in_production(address: str) -> None:
    assert address_refusal(address, PRODUCTION) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_refusal(address, PRODUCTION) is None


def test_loopback_is_allowed_only_where_development_allows_it() -> None:
    assert address_refusal("127.0.0.1", DEVELOPMENT) is None
    assert address_refusal("::ffff:127.0.0.1", DEVELOPMENT) is None
    assert address_refusal("127.0.0.1", AddressPolicy(False, False)) == "loopback address"
    # Allowing loopback never opens metadata or private ranges.
    assert address_refusal("169.254.169.254", DEVELOPMENT) == "cloud metadata address"
    assert address_refusal("10.0.0.1", DEVELOPMENT) == "private address"


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://10.0.0.1/",
        "https://10.0.0.1/hook",
        "https://[::ffff:a9fe:a9fe]/",  # 169.254.169.254, IPv4-mapped
        "http://example.com/hook",  # http in production
        "https://localhost/hook",
        "ftp://example.com/",
        "https://user:pw@example.com/",
        "https://example.com/#frag",
        "example.com/hook",
        "https://exa mple.com/",
        "https://example.com:99999/",
        "https://example.com:0/",
        # Parsers drop tabs and newlines silently: the URL checked would not be the one sent.
        "https://example.com\t/hook",
        "https://exam\nple.com/",
        "https://example.com/a b",
    ],
)
def test_urls_refused_in_production(url: str) -> None:
    with pytest.raises(UrlRefused):
        check_url(url, PRODUCTION)


def test_production_accepts_https_names_and_keeps_the_port() -> None:
    target = check_url("https://hooks.example.com:8443/in?x=1", PRODUCTION)
    assert (target.scheme, target.host, target.port) == ("https", "hooks.example.com", 8443)
    assert check_url("https://Hooks.Example.com./in", PRODUCTION).host == "hooks.example.com"


def test_development_allows_http_for_localhost_only() -> None:
    assert check_url("http://127.0.0.1:9000/hook", DEVELOPMENT).port == 9000
    assert check_url("http://localhost/hook", DEVELOPMENT).port == 80
    with pytest.raises(UrlRefused, match="localhost only"):
        check_url("http://example.com/hook", DEVELOPMENT)
    with pytest.raises(UrlRefused):
        check_url("http://10.0.0.1/hook", DEVELOPMENT)


@pytest.mark.parametrize("address", ["fec0::1", "fec0::a9fe:a9fe", "feff:ffff::1"])
def test_ipv6_site_local_addresses_are_refused(address: str) -> None:
    """fec0::/10 is the (deprecated, RFC 3879) IPv6 site-local range: private scope, still
    honoured by some stacks and routers, though Python's `is_global` counts it as global."""
    assert address_refusal(address, PRODUCTION) is not None


def test_a_site_local_literal_url_is_refused_at_registration() -> None:
    with pytest.raises(UrlRefused):
        check_url("https://[fec0::1]/hook", PRODUCTION)
