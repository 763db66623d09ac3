"""The relay writes and the bus reads FastStream's binary envelope with our own few lines:
the bytes must be exactly FastStream's, in both directions, or FastStream's subscribers (and
every stored entry) would read garbage."""

from __future__ import annotations

import asyncio
import json

import pytest
from faststream.redis.parser import BinaryMessageFormatV1

from shared.messaging import envelope

BODIES = [
    b"{}",
    json.dumps({"event_type": "pain-logged", "note": "sciatica \u00e9\u00e8 \u2192"}).encode(),
    b'{"a": "' + b"x" * 70_000 + b'"}',  # longer than a header's 2-byte length could say
]
CORRELATION_IDS = ["", "0b7a6c1e6f1a4a399a380a8e0e2a9f11", "req-" + "7" * 200]


def faststream_encode(body: bytes, correlation_id: str) -> bytes:
    return asyncio.run(
        BinaryMessageFormatV1.encode(
            message=body,
            reply_to=None,
            headers={"content-type": "application/json"},
            correlation_id=correlation_id,
        )
    )


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("correlation_id", CORRELATION_IDS)
def test_our_envelope_is_faststreams_byte_for_byte(body: bytes, correlation_id: str) -> None:
    ours = envelope.encode(body, correlation_id)
    assert ours == faststream_encode(body, correlation_id)
    data, headers = BinaryMessageFormatV1.parse(ours)
    assert data == body
    assert headers == {"correlation_id": correlation_id, "content-type": "application/json"}


@pytest.mark.parametrize("body", BODIES)
def test_the_body_is_read_as_faststream_reads_it(body: bytes) -> None:
    entry = faststream_encode(body, "c1")
    assert envelope.body_of(entry) == BinaryMessageFormatV1.parse(entry)[0] == body


@pytest.mark.parametrize(
    "raw",
    [
        b'{"data": "{\\"x\\": 1}", "headers": {"correlation_id": "c"}}',  # legacy JSON envelope
        b'{"x": 1}',  # a raw body
        envelope.MAGIC,  # a prefix and nothing after it
        b"",
    ],
)
def test_what_is_no_version_one_envelope_is_read_by_faststream(raw: bytes) -> None:
    assert envelope.body_of(raw) == BinaryMessageFormatV1.parse(raw)[0]
