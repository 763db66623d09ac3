"""Keyset pagination in SQL (`shared.http.pagination` makes the cursors): the rows of a list
strictly after a key, in the key's order, one more than the page shows (to know whether there
is a next page). Row values (`(a, b) < (x, y)`) work on PostgreSQL and SQLite alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, tuple_

S = TypeVar("S", bound=Select[Any])


def keyset(
    stmt: S,
    columns: Sequence[ColumnElement[Any]],
    after: Sequence[Any] | None,
    *,
    limit: int,
    descending: bool = True,
) -> S:
    """`stmt` ordered by `columns` (all descending, or all ascending), from just after `after`
    (None: from the start), `limit + 1` rows."""
    if after is not None:
        key, last = tuple_(*columns), tuple_(*after)
        stmt = stmt.where(key < last if descending else key > last)
    order = [c.desc() if descending else c.asc() for c in columns]
    return stmt.order_by(*order).limit(limit + 1)
