"""The endpoints and deliveries lists page with a cursor: every item once, in order, however
many there are (past the 100 deliveries the list once stopped at), stable while new ones are
recorded between pages, filters kept; a cursor of another list, of another tenant or none
at all is a 400 problem naming `query.cursor` (real Redis, SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from services.notifier import service
from services.notifier.store.tables import deliveries as delivery_table
from shared.db.database import Database
from shared.http.pagination import encode_cursor
from shared.http.problems import PROBLEM_JSON
from tests.factories.notifier import plan_generated
from tests.support.notifier import notifier_apps, register
from tests.support.stack import Stack, bearer, stack

ENDPOINTS = "/v1/webhooks/endpoints"
NOWHERE = "http://127.0.0.1:9/hook"


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    # The worker polls once a minute: deliveries recorded here stay as they are.
    apps = notifier_apps(redis_url, database_url, prefix, webhook_poll_s=60)
    async with stack(apps) as running:
        yield running


async def _tenant(s: Stack) -> tuple[str, str]:
    tenant = await s.create_tenant()
    return tenant["tenant_id"], tenant["api_key"]["key"]


async def _record(s: Stack, tenant_id: str, count: int) -> None:
    """`count` deliveries to each of the tenant's endpoints, recorded as one consumed batch
    (one `created_at` for all: the delivery id orders them)."""
    db: Database = s.apps["notifier"].state.db
    events = [plan_generated(tenant_id, f"u-{i}") for i in range(count)]
    async with db.unit_of_work() as uow:
        await service.deliveries.record(uow, events, "https://api.spinefit.test")


async def _page(
    client: httpx.AsyncClient, key: str, path: str, **params: Any
) -> tuple[list[Any], str | None]:
    response = await client.get(path, params=params, headers=bearer(key))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    return body["items"], body["next_cursor"]


async def _every_page(
    client: httpx.AsyncClient, key: str, path: str, *, cursor: str | None = None, **params: Any
) -> list[list[Any]]:
    pages = []
    while True:
        items, cursor = await _page(
            client, key, path, **params, **({"cursor": cursor} if cursor else {})
        )
        pages.append(items)
        if cursor is None:
            return pages


def _newest_first(items: list[Any]) -> bool:
    keys = [(datetime.fromisoformat(d["created_at"]), d["delivery_id"]) for d in items]
    return keys == sorted(keys, reverse=True)


async def test_more_than_100_deliveries_page_through_each_once_newest_first(
    services: Stack,
) -> None:
    notifier = services.clients["notifier"]
    tenant_id, key = await _tenant(services)
    endpoint = await register(notifier, key, NOWHERE)
    for count in (60, 45, 25):
        await _record(services, tenant_id, count)
    path = f"{ENDPOINTS}/{endpoint['endpoint_id']}/deliveries"

    pages = await _every_page(notifier, key, path, limit=50)
    assert [len(p) for p in pages] == [50, 50, 30]
    seen = [d for p in pages for d in p]
    assert len({d["delivery_id"] for d in seen}) == 130
    assert _newest_first(seen)
    # The default page is 50; one page of the most (200) holds them all, in the same order.
    assert len((await _page(notifier, key, path))[0]) == 50
    everything, last = await _page(notifier, key, path, limit=200)
    assert last is None and everything == seen


async def test_deliveries_recorded_between_pages_are_neither_repeated_nor_skipped(
    services: Stack,
) -> None:
    notifier = services.clients["notifier"]
    tenant_id, key = await _tenant(services)
    endpoint = await register(notifier, key, NOWHERE)
    await _record(services, tenant_id, 30)
    path = f"{ENDPOINTS}/{endpoint['endpoint_id']}/deliveries"
    before, _ = await _page(notifier, key, path, limit=200)

    first, cursor = await _page(notifier, key, path, limit=10)
    await _record(services, tenant_id, 5)  # newer: they come before the cursor
    rest = await _every_page(notifier, key, path, cursor=cursor, limit=10)
    assert first + [d for p in rest for d in p] == before
    newest, _ = await _page(notifier, key, path, limit=5)
    assert not {d["delivery_id"] for d in newest} & {d["delivery_id"] for d in before}


async def test_a_status_filter_pages_with_the_cursor(services: Stack) -> None:
    notifier = services.clients["notifier"]
    tenant_id, key = await _tenant(services)
    endpoint = await register(notifier, key, NOWHERE)
    await _record(services, tenant_id, 12)
    path = f"{ENDPOINTS}/{endpoint['endpoint_id']}/deliveries"
    every, _ = await _page(notifier, key, path, limit=200)
    failed = {d["delivery_id"] for d in every[1::2]}
    db: Database = services.apps["notifier"].state.db
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            update(delivery_table)
            .where(delivery_table.c.delivery_id.in_(failed))
            .values(status="failed", next_attempt_at=None)
        )

    failed_pages = await _every_page(notifier, key, path, status="failed", limit=4)
    assert [len(p) for p in failed_pages] == [4, 2]
    assert [d["delivery_id"] for p in failed_pages for d in p] == [
        d["delivery_id"] for d in every if d["delivery_id"] in failed
    ]
    pending = [
        d for p in await _every_page(notifier, key, path, status="pending", limit=5) for d in p
    ]
    assert {d["status"] for d in pending} == {"pending"} and len(pending) == 6


async def test_endpoints_page_oldest_first_and_one_added_between_pages_comes_last(
    services: Stack,
) -> None:
    notifier = services.clients["notifier"]
    _, key = await _tenant(services)
    made = [(await register(notifier, key, NOWHERE))["endpoint_id"] for _ in range(5)]

    first, cursor = await _page(notifier, key, ENDPOINTS, limit=2)
    made.append((await register(notifier, key, NOWHERE))["endpoint_id"])
    rest = await _every_page(notifier, key, ENDPOINTS, cursor=cursor, limit=2)
    assert [len(p) for p in [first, *rest]] == [2, 2, 2]
    assert [e["endpoint_id"] for p in [first, *rest] for e in p] == made
    assert all("secret" not in e for p in rest for e in p)


async def _refused(response: httpx.Response, field: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["status"] == status and body["type"].startswith("/problems/")
    assert field in {e["field"] for e in body["errors"]}


async def test_a_cursor_of_another_list_or_tenant_or_none_at_all_is_a_400_naming_it(
    services: Stack,
) -> None:
    notifier = services.clients["notifier"]
    tenant_id, key = await _tenant(services)
    _, other_key = await _tenant(services)
    one, two = [(await register(notifier, key, NOWHERE))["endpoint_id"] for _ in range(2)]
    await register(notifier, other_key, NOWHERE)
    await _record(services, tenant_id, 3)
    _, endpoints_cursor = await _page(notifier, key, ENDPOINTS, limit=1)
    _, deliveries_cursor = await _page(notifier, key, f"{ENDPOINTS}/{one}/deliveries", limit=1)
    assert endpoints_cursor and deliveries_cursor

    async def get(path: str, cursor: str, as_key: str = key) -> httpx.Response:
        return await notifier.get(path, params={"cursor": cursor}, headers=bearer(as_key))

    for response in (
        await get(ENDPOINTS, "not-a-cursor"),
        await get(ENDPOINTS, "e30"),  # base64 of `{}`
        await get(ENDPOINTS, deliveries_cursor),  # another list
        await get(f"{ENDPOINTS}/{one}/deliveries", endpoints_cursor),
        await get(f"{ENDPOINTS}/{two}/deliveries", deliveries_cursor),  # another endpoint's
        await get(ENDPOINTS, endpoints_cursor, as_key=other_key),  # another tenant's
        # Made by hand, for this list and tenant, with what no key of it holds.
        await get(ENDPOINTS, encode_cursor("endpoints", tenant_id, (5, 6))),
        await get(ENDPOINTS, encode_cursor("endpoints", tenant_id, (datetime(2026, 1, 1), "e"))),
    ):
        await _refused(response, "query.cursor")
    for limit in (0, 201):
        await _refused(
            await notifier.get(ENDPOINTS, params={"limit": limit}, headers=bearer(key)),
            "query.limit",
            status=422,
        )


async def test_errors_are_problem_documents(services: Stack) -> None:
    notifier = services.clients["notifier"]
    _, key = await _tenant(services)
    missing = await notifier.get(f"{ENDPOINTS}/ep_{'0' * 32}", headers=bearer(key))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith(PROBLEM_JSON)
    assert missing.json()["type"] == "/problems/not-found"
    assert missing.json()["detail"] == "endpoint not found"
    endpoint = await register(notifier, key, NOWHERE)
    path = f"{ENDPOINTS}/{endpoint['endpoint_id']}"
    gone = await notifier.get(f"{path}/deliveries/dlv_{'0' * 32}", headers=bearer(key))
    assert gone.status_code == 404 and gone.json()["detail"] == "delivery not found"
    await notifier.patch(path, json={"enabled": False}, headers=bearer(key))
    disabled = await notifier.post(f"{path}/test", headers=bearer(key))
    assert disabled.status_code == 409
    assert disabled.headers["content-type"].startswith(PROBLEM_JSON)
    assert disabled.json()["type"] == "/problems/endpoint-disabled"
