"""The timeline over HTTP (real Redis, SQLite and PostgreSQL): one list of sessions, pain logs
and removals in event time, paged by an opaque cursor that is stable under inserts and
belongs to one tenant's view of one user's timeline; its window; its answers' schemas."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from services.flare_detector.views import flares_scope
from services.painlog.app import build_app
from shared.http.pagination import encode_cursor
from tests.factories.painlog import pain_body, session_body
from tests.integration.test_painlog import User, new_user, now
from tests.support.painlog import painlog_stack
from tests.support.stack import Stack


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    async with painlog_stack(redis_url, database_url, prefix) as running:
        yield running


def entry_id(e: dict[str, Any]) -> str:
    return str(e.get("log_id") or e["session_id"])


async def pages(user: User, limit: int, **params: str) -> list[list[dict[str, Any]]]:
    found: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        answer = await user.timeline(**query)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return found
        assert len(body["items"]) == limit


async def fill(user: User, start: datetime) -> None:
    """Ten entries, with ties: a session and two logs at one instant, two sessions at
    another."""
    tie, other_tie = start + timedelta(hours=5), start + timedelta(hours=9)
    for hours in (1, 2, 3, 7, 8):
        assert (await user.pain(pain_body(start + timedelta(hours=hours)))).status_code == 202
    for _ in range(2):
        assert (await user.pain(pain_body(tie))).status_code == 202
        assert (await user.session(session_body(other_tie))).status_code == 202
    assert (await user.session(session_body(tie))).status_code == 202


async def test_pages_give_every_entry_exactly_once_in_event_time(services: Stack) -> None:
    user = await new_user(services)
    start = now() - timedelta(days=1)
    await fill(user, start)
    whole = (await user.timeline(limit="200")).json()
    assert whole["next_cursor"] is None and len(whole["items"]) == 10
    rank = {"session": 0, "pain": 1, "removal": 2}
    keys = [(datetime.fromisoformat(e["at"]), rank[e["kind"]], entry_id(e)) for e in whole["items"]]
    assert keys == sorted(keys)
    for limit in (1, 3, 4, 10):
        paged = await pages(user, limit)
        assert [entry_id(e) for page in paged for e in page] == [
            entry_id(e) for e in whole["items"]
        ]
        assert len(paged) == -(-10 // limit)


async def test_an_entry_added_between_pages_is_neither_repeated_nor_skipped(
    services: Stack,
) -> None:
    user = await new_user(services)
    start = now() - timedelta(days=1)
    await fill(user, start)
    window = {"from": (start - timedelta(hours=1)).isoformat(), "to": now().isoformat()}
    first = (await user.timeline(limit="4", **window)).json()
    seen = [entry_id(e) for e in first["items"]]
    # One earlier than the page shown (before the cursor) and one later than every entry.
    early = pain_body(start + timedelta(minutes=30))
    late = pain_body(start + timedelta(hours=20))
    for body in (early, late):
        assert (await user.pain(body)).status_code == 202
    cursor = first["next_cursor"]
    rest: list[str] = []
    while cursor:
        page = (await user.timeline(limit="4", cursor=cursor, **window)).json()
        rest += [entry_id(e) for e in page["items"]]
        cursor = page["next_cursor"]
    assert not set(seen) & set(rest)
    assert len(rest) == len(set(rest)) == 7  # the six after the first page, and the late one
    assert rest[-1] == late["log_id"] and early["log_id"] not in rest


async def test_a_page_keeps_the_window_and_links_its_chart(services: Stack) -> None:
    user = await new_user(services)
    t = now()
    old = pain_body(t - timedelta(days=40))
    for body in (old, pain_body(t - timedelta(days=2)), pain_body(t - timedelta(hours=1))):
        assert (await user.pain(body)).status_code == 202
    start, end = t - timedelta(days=45), t - timedelta(days=1)
    window = {"from": start.isoformat(), "to": end.isoformat()}
    body = (await user.timeline(limit="1", **window)).json()
    assert [e["log_id"] for e in body["items"]] == [old["log_id"]]
    assert datetime.fromisoformat(body["from"]) == start
    assert datetime.fromisoformat(body["to"]) == end
    assert body["chart"]["svg"].startswith(f"{user.base}/pain/chart.svg?from=")
    second = (await user.timeline(limit="1", cursor=body["next_cursor"], **window)).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    # No window given: the last 28 days, 50 at the most.
    assert len((await user.timeline()).json()["items"]) == 2


async def test_a_cursor_after_the_longest_ids_still_pages(services: Stack) -> None:
    """The cursor carries the last entry's id: with the longest user id and client ids that
    JSON must escape, it stays within the cursor's bound."""
    tenant = await services.create_tenant()
    user = User(services, tenant["api_key"]["key"], "u" * 128)
    ids = [c * 128 for c in '"\\~']
    for i, log_id in enumerate(ids):
        body = pain_body(now() - timedelta(hours=3 - i), log_id=log_id)
        assert (await user.pain(body)).status_code == 202
    paged = await pages(user, 1)
    assert [e["log_id"] for page in paged for e in page] == ids


def _forged(cursor: str, key: list[Any]) -> str:
    raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[2] = key
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


async def test_a_cursor_of_another_tenant_user_or_list_or_no_cursor_at_all_is_a_400(
    services: Stack,
) -> None:
    tenant = await services.create_tenant()
    user = User(services, tenant["api_key"]["key"])
    other_tenant = await new_user(services)
    for u in (user, other_tenant):
        for hours in (1, 2):
            assert (await u.pain(pain_body(now() - timedelta(hours=hours)))).status_code == 202
    cursor = (await user.timeline(limit="1")).json()["next_cursor"]
    assert cursor
    tenant_id, key = tenant["tenant_id"], (now(), "l-1")
    other_user = User(services, tenant["api_key"]["key"], "someone-else")
    assert (await other_user.pain(pain_body(now() - timedelta(hours=1)))).status_code == 202
    refused = [
        await other_tenant.timeline(cursor=cursor),
        await other_user.timeline(cursor=cursor),
        await user.timeline(cursor="bm90LWEtY3Vyc29y"),  # "not-a-cursor"
        # The user's flares list's, for the same tenant.
        await user.timeline(cursor=encode_cursor(flares_scope("patient-17"), tenant_id, key)),
        # A cursor of this list whose key is not an entry's: not a crash.
        await user.timeline(cursor=_forged(cursor, [1, "x", 2])),
    ]
    for answer in refused:
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        body = answer.json()
        assert body["type"] == "/problems/bad-request" and body["status"] == 400
        assert [e["field"] for e in body["errors"]] == ["query.cursor"]


@pytest.mark.parametrize("limit", ["0", "201", "many"])
async def test_a_limit_out_of_its_bounds_is_refused_naming_it(services: Stack, limit: str) -> None:
    user = await new_user(services)
    assert (await user.pain(pain_body(now() - timedelta(hours=1)))).status_code == 202
    answer = await user.timeline(limit=limit)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in answer.json()["errors"]] == ["query.limit"]


async def test_a_user_with_nothing_logged_is_a_404_problem(services: Stack) -> None:
    user = await new_user(services)
    for answer in (await user.timeline(), await user.chart("png")):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "/problems/not-found"


async def test_the_timeline_like_its_chart_is_never_kept_by_a_shared_cache(
    services: Stack,
) -> None:
    user = await new_user(services)
    assert (await user.pain(pain_body(now() - timedelta(hours=1)))).status_code == 202
    chart = await user.chart("svg")
    assert "no-store" in chart.headers.get("cache-control", "")
    timeline = await user.timeline()
    assert timeline.status_code == 200
    assert "no-store" in timeline.headers.get("cache-control", ""), dict(timeline.headers)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        # default `from` = `to` - 28 days is before year 1
        ({"to": "0001-01-02T00:00:00+00:00"}, "query.to"),
        # after year 9999 in UTC
        ({"from": "9999-12-31T20:00:00-05:00"}, "query.from"),
        ({"from": "2026-01-01T00:00:00+00:00", "to": "9999-12-31T20:00:00-05:00"}, "query.to"),
    ],
)
async def test_a_window_at_the_edge_of_the_calendar_is_answered_or_refused_naming_it(
    services: Stack, params: dict[str, str], field: str
) -> None:
    user = await new_user(services)
    assert (await user.pain(pain_body(now() - timedelta(hours=1)))).status_code == 202
    for answer in (await user.timeline(**params), await user.chart("svg", **params)):
        assert answer.status_code in (200, 422), answer.text
        if answer.status_code == 422:
            assert [f["field"] for f in answer.json()["errors"]] == [field]


def test_every_operation_documents_its_success_schema_and_its_problems() -> None:
    doc = build_app().openapi()
    ops = {
        op["operationId"]: op
        for path in doc["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    schemas = {
        "record_session": ("202", "SessionAccepted"),
        "log_pain": ("202", "PainAccepted"),
        "get_timeline": ("200", "TimelinePage"),
    }
    for name, (status, schema) in schemas.items():
        content = ops[name]["responses"][status]["content"]["application/json"]
        assert content["schema"] == {"$ref": f"#/components/schemas/{schema}"}
    chart = ops["get_pain_chart"]["responses"]["200"]["content"]
    assert set(chart) == {"image/png", "image/svg+xml"}
    problem = {"$ref": "#/components/schemas/Problem"}
    for name, statuses in {
        "record_session": ("409",),
        "log_pain": ("409",),
        "get_timeline": ("400", "404"),
        "get_pain_chart": ("404", "503"),
    }.items():
        for status in statuses:
            documented = ops[name]["responses"][status]["content"]
            assert [c["schema"] for c in documented.values()] == [problem], (name, status)
    entry = doc["components"]["schemas"]["TimelinePage"]["properties"]["items"]["items"]
    assert entry["discriminator"]["propertyName"] == "kind"
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in entry["oneOf"]} == {
        "PainEntry",
        "SessionEntry",
        "RemovalEntry",
    }
