"""Cursor pagination for every list: `limit` and an opaque `cursor` in, `items` and a
`next_cursor` out.

A cursor is the sort key of the last item a page showed (keyset pagination,
`shared.db.pages`): the next page starts strictly after it, so rows inserted meanwhile never
shift a page or repeat an item. It names the list it belongs to and the tenant it was given
to: used on another list or by another tenant it is a 400 naming `query.cursor`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from shared.http.problems import BadRequest, field_error

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_CHARS = 512

LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"At most this many items (1-{MAX_LIMIT})")
]
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_CHARS,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="`next_cursor` of the previous page; omitted for the first page",
    ),
]


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    model_config = ConfigDict(frozen=True)

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page"
    )


Key = tuple[Any, ...]  # str, int and datetime values


def _tenant_tag(tenant_id: str) -> str:
    return hashlib.sha256(tenant_id.encode()).hexdigest()[:12]


def _value(v: Any) -> Any:
    return ["t", v.isoformat()] if isinstance(v, datetime) else v


def _unvalue(v: Any) -> Any:
    if isinstance(v, list) and len(v) == 2 and v[0] == "t" and isinstance(v[1], str):
        return datetime.fromisoformat(v[1])
    if isinstance(v, str | int) and not isinstance(v, bool):
        return v
    raise ValueError("not a key value")


def encode_cursor(scope: str, tenant_id: str, key: Key) -> str:
    raw = json.dumps(
        [scope, _tenant_tag(tenant_id), [_value(v) for v in key]], separators=(",", ":")
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(
    cursor: str | None, scope: str, tenant_id: str, kinds: tuple[type, ...]
) -> Key | None:
    """The key a cursor carries (None for the first page); a 400 for one that is not a cursor
    of this list for this tenant. A cursor is not signed (it holds nothing a tenant may not
    see): one made by hand is refused unless its values have the key's `kinds` (a datetime
    with its zone, a str, an int), so no query is ever sent a value of the wrong type."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        got_scope, tag, values = json.loads(raw)
        key = tuple(_unvalue(v) for v in values)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise _bad_cursor("not a cursor this API gave") from exc
    if got_scope != scope or tag != _tenant_tag(tenant_id) or len(key) != len(kinds):
        raise _bad_cursor("a cursor of another list")
    if not all(map(_is_kind, key, kinds)):
        raise _bad_cursor("not a cursor this API gave")
    return key


def _is_kind(value: Any, kind: type) -> bool:
    if kind is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    return type(value) is kind


def _bad_cursor(why: str) -> BadRequest:
    return BadRequest(
        f"query.cursor: {why}; pass the `next_cursor` of this list's previous page",
        errors=[field_error("query.cursor", why, "cursor_invalid")],
    )


def page_of(
    items: Sequence[T], limit: int, scope: str, tenant_id: str, key_of: Callable[[T], Key]
) -> Page[T]:
    """The page of `items` (up to `limit + 1` fetched): `next_cursor` set when there was more."""
    shown = list(items[:limit])
    more = len(items) > limit
    next_cursor = encode_cursor(scope, tenant_id, key_of(shown[-1])) if more and shown else None
    return Page[T](items=shown, next_cursor=next_cursor)
