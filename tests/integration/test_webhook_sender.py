"""One attempt over real HTTP on loopback: every resolved address is checked at send time,
the connection goes to the vetted address, redirects are not followed."""

from __future__ import annotations

import logging

import pytest

from services.notifier.domain.addresses import AddressPolicy, UrlRefused
from services.notifier.domain.retries import AttemptResult
from services.notifier.domain.signing import format_secret
from services.notifier.sender import Sender, resolve, vetted_addresses
from shared.events.base import utc_now
from tests.support.notifier import Receiver, receivers

SECRET = format_secret(b"k" * 32)
DEVELOPMENT = AddressPolicy(https_only=False, allow_loopback=True)
NO_LOOPBACK = AddressPolicy(https_only=False, allow_loopback=False)


async def _send(sender: Sender, url: str) -> AttemptResult:
    try:
        return await sender.send(url, "msg_1", '{"type":"t"}', [SECRET], utc_now())
    finally:
        await sender.aclose()


async def test_loopback_is_refused_at_send_time_when_policy_forbids_it() -> None:
    with receivers(Receiver()) as (receiver,):
        result = await _send(Sender(NO_LOOPBACK, 2.0), receiver.url)
        by_name = await _send(
            Sender(NO_LOOPBACK, 2.0), receiver.url.replace("127.0.0.1", "localhost")
        )
    assert result.error == "address_refused" and result.status_code is None
    assert by_name.error == "address_refused"
    assert receiver.received == []


async def test_every_resolved_address_is_checked_not_only_the_first() -> None:
    async def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    sender = Sender(AddressPolicy(https_only=True, allow_loopback=False), 2.0, rebinding)
    result = await _send(sender, "https://hooks.example.com/in")
    assert result.error == "address_refused"


async def test_the_request_goes_to_the_vetted_address_and_keeps_the_name() -> None:
    sender = Sender(AddressPolicy(https_only=True, allow_loopback=False), 2.0)
    request = sender._request(
        "https://hooks.example.com:8443/in?x=1", "93.184.216.34", "msg_1", "{}", [SECRET], utc_now()
    )
    await sender.aclose()
    assert request.url.host == "93.184.216.34" and request.url.port == 8443
    assert request.url.raw_path == b"/in?x=1"
    assert request.headers["host"] == "hooks.example.com:8443"
    assert request.extensions["sni_hostname"] == "hooks.example.com"
    assert request.headers["webhook-id"] == "msg_1"


async def test_redirects_are_not_followed_and_count_as_failures() -> None:
    with receivers(Receiver(default=302)) as (receiver,):
        result = await _send(Sender(DEVELOPMENT, 2.0), receiver.url)
    assert result.status_code == 302 and not result.succeeded
    assert len(receiver.received) == 1


async def test_a_dead_port_is_a_connect_error() -> None:
    with receivers(Receiver()) as (receiver,):
        url = receiver.url
    result = await _send(Sender(DEVELOPMENT, 2.0), url)
    assert result.error in ("connect_error", "timeout")


PRODUCTION = AddressPolicy(https_only=True, allow_loopback=False)


async def test_numeric_host_forms_are_judged_by_the_address_they_connect_to() -> None:
    """Decimal, hex, octal and short IPv4 forms are names to the URL parsers but addresses
    to the system resolver (which is also what the connection uses): each is vetted as the
    address it really is. Resolving numeric forms makes no network call."""
    refused = {
        "https://2130706433/": "loopback",  # 127.0.0.1 in decimal
        "https://0x7f.1/": "loopback",
        "https://017700000001/": "loopback",  # octal
        "https://127.1/": "loopback",
        "https://0/": "unspecified",
        "https://2852039166/": "metadata",  # 169.254.169.254 in decimal
        "https://0251.0376.0251.0376/": "not a valid URL",  # octal: httpx refuses it
        "https://0xa000001/": "private",  # 10.0.0.1
    }
    for url, reason in refused.items():
        with pytest.raises(UrlRefused, match=reason):
            await vetted_addresses(url, PRODUCTION, resolve)
    # Where loopback is allowed, the connection goes to the address that was vetted.
    assert await vetted_addresses("https://2130706433/", DEVELOPMENT, resolve) == ["127.0.0.1"]


async def test_a_url_the_http_client_cannot_parse_is_a_failed_attempt_not_a_crash() -> None:
    # The standard library reads this host as a name that resolves to 127.0.0.1; httpx
    # refuses it. Raising out of `send` would leave the attempt unrecorded forever.
    with pytest.raises(UrlRefused):
        await vetted_addresses("https://127.000.000.001:9/hook", DEVELOPMENT, resolve)
    result = await _send(Sender(DEVELOPMENT, 2.0), "https://127.000.000.001:9/hook")
    assert result.error == "address_refused" and result.status_code is None


async def test_an_idna_name_goes_out_in_its_ascii_form() -> None:
    async def to_loopback(host: str, port: int) -> list[str]:
        assert host == "xn--bcher-kva.example"
        return ["127.0.0.1"]

    with receivers(Receiver()) as (receiver,):
        url = f"http://xn--bcher-kva.example:{receiver.server.port}/hook"
        sender = Sender(DEVELOPMENT, 2.0, to_loopback)
        request = sender._request(url, "127.0.0.1", "msg_1", "{}", [SECRET], utc_now())
        assert request.headers["host"] == f"xn--bcher-kva.example:{receiver.server.port}"
        https = sender._request(
            "https://xn--bcher-kva.example/", "127.0.0.1", "msg_1", "{}", [SECRET], utc_now()
        )
        assert https.extensions["sni_hostname"] == "xn--bcher-kva.example"
        result = await _send(
            Sender(DEVELOPMENT, 2.0, to_loopback),
            f"https://xn--bcher-kva.example:{receiver.server.port}/hook",
        )
        await sender.aclose()
    # TLS to a plain HTTP receiver fails, but as a recorded attempt, not an exception.
    assert result.status_code is None and result.error is not None


async def test_an_unreachable_address_falls_back_to_the_next_vetted_one() -> None:
    async def two_addresses(host: str, port: int) -> list[str]:
        return ["::1", "127.0.0.1"]  # the receiver listens on 127.0.0.1 only

    with receivers(Receiver()) as (receiver,):
        url = receiver.url.replace("127.0.0.1", "localhost")
        result = await _send(Sender(DEVELOPMENT, 2.0, two_addresses), url)
    assert result.status_code == 200 and len(receiver.received) == 1
    assert receiver.received[0].headers["host"] == f"localhost:{receiver.server.port}"


async def test_an_attempt_does_not_log_the_endpoint_url_with_its_query(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The tenant's URL may carry credentials in its query (`?token=...`): no log line of an
    attempt holds them (httpx's own `HTTP Request: POST <url>` line at INFO included, which
    the services' stdlib logging configuration would otherwise let through)."""
    with receivers(Receiver()) as (receiver,):
        sender = Sender(DEVELOPMENT, 2.0)
        try:
            with caplog.at_level(logging.INFO):
                result = await sender.send(
                    receiver.url + "?token=tenant-credential-42",
                    "msg_1",
                    '{"type":"t"}',
                    [SECRET],
                    utc_now(),
                )
        finally:
            await sender.aclose()
    assert result.status_code == 200
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert not [m for m in ours if "tenant-credential-42" in m]
