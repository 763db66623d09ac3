"""Review findings on the pure parts of the notifier (address policy)."""

from __future__ import annotations

import pytest

from services.notifier.domain.addresses import AddressPolicy, UrlRefused, address_refusal, check_url

PRODUCTION = AddressPolicy(https_only=True, allow_loopback=False)


@pytest.mark.parametrize("address", ["fec0::1", "fec0::a9fe:a9fe", "feff:ffff::1"])
def test_ipv6_site_local_addresses_are_refused(address: str) -> None:
    """fec0::/10 is the (deprecated, RFC 3879) IPv6 site-local range: private scope, still
    honoured by some stacks and routers. Python's `is_global` counts it as global, and the
    policy does not list it, so a webhook may be sent into a site network."""
    assert address_refusal(address, PRODUCTION) is not None


def test_a_site_local_literal_url_is_refused_at_registration() -> None:
    with pytest.raises(UrlRefused):
        check_url("https://[fec0::1]/hook", PRODUCTION)
