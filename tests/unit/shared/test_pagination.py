"""Cursors: opaque, bound to their list and tenant, and refused (400 naming `query.cursor`)
when they are not one this API gave."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from shared.http.pagination import decode_cursor, encode_cursor, page_of
from shared.http.problems import BadRequest

AT = datetime(2026, 12, 6, 21, 0, 5, 123456, tzinfo=UTC)


def test_a_cursor_gives_back_the_key_it_was_made_from() -> None:
    cursor = encode_cursor("deliveries", "t-1", (AT, "dlv_1"))
    assert decode_cursor(cursor, "deliveries", "t-1", (datetime, str)) == (AT, "dlv_1")
    assert decode_cursor(None, "deliveries", "t-1", (datetime, str)) is None


@pytest.mark.parametrize(
    ("scope", "tenant"), [("endpoints", "t-1"), ("deliveries", "t-2")], ids=["list", "tenant"]
)
def test_a_cursor_of_another_list_or_tenant_is_refused(scope: str, tenant: str) -> None:
    cursor = encode_cursor("deliveries", "t-1", (AT, "dlv_1"))
    with pytest.raises(BadRequest) as refused:
        decode_cursor(cursor, scope, tenant, (datetime, str))
    assert refused.value.problem.extras["errors"][0]["field"] == "query.cursor"


def _forged(values: list[object]) -> str:
    good = encode_cursor("versions", "t-1", (1,))
    scope, tag, _ = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    raw = json.dumps([scope, tag, values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("cursor", "kinds"),
    [
        ("not-base64-json", (int,)),
        ("AAAA", (int,)),
        (_forged(["1"]), (int,)),  # a str where the key is an int
        (_forged([True]), (int,)),
        (_forged([["t", "2026-12-06T21:00:00"]]), (datetime,)),  # a datetime without its zone
        (_forged([1, 2]), (int,)),
    ],
)
def test_a_cursor_made_by_hand_is_refused(cursor: str, kinds: tuple[type, ...]) -> None:
    with pytest.raises(BadRequest):
        decode_cursor(cursor, "versions", "t-1", kinds)


def test_a_page_has_a_next_cursor_only_when_there_is_more() -> None:
    more = page_of([1, 2, 3], 2, "versions", "t-1", lambda v: (v,))
    assert more.items == [1, 2]
    assert decode_cursor(more.next_cursor, "versions", "t-1", (int,)) == (2,)
    last = page_of([1, 2], 2, "versions", "t-1", lambda v: (v,))
    assert last.items == [1, 2] and last.next_cursor is None
