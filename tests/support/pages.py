"""Walking a cursor-paged list as a client would."""

from __future__ import annotations

from typing import Any

import httpx


async def all_pages(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    limit: int,
    cursor: str | None = None,
) -> list[dict[str, Any]]:
    """Every item from `cursor` on (the first page: None), a page of `limit` at a time; each
    page must hold at most `limit` items."""
    found: list[dict[str, Any]] = []
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        page = await client.get(path, params=params, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= limit
        found += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return found
