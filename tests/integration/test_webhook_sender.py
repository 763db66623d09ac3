"""One attempt over real HTTP on loopback: every resolved address is checked at send time,
the connection goes to the vetted address, redirects are not followed."""

from __future__ import annotations

from services.notifier.domain.addresses import AddressPolicy
from services.notifier.domain.retries import AttemptResult
from services.notifier.domain.signing import format_secret
from services.notifier.sender import Sender
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
