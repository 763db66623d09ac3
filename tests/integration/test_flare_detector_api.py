"""The flare detector's HTTP answers (real bus, Redis, SQLite and PostgreSQL): a user's flares
a page at a time, by a cursor stable under new flares and bound to one tenant's view of one
user's list; the removals with their typed evidence; problems; the documented schemas."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import redis

from services.flare_detector.app import build_app
from services.flare_detector.views import flares_scope
from services.painlog.views import timeline_scope
from shared.http.pagination import encode_cursor
from tests.factories.flare_sim import START, pain_event, quiz_event, session_event
from tests.integration.test_flare_detector import CONSUMED, caught_up, publish
from tests.integration.test_flare_detector import services as services
from tests.support.stack import Stack, bearer
from tests.support.waiting import eventually

FLARE_DAYS = range(2, 24, 2)  # every other morning a flare (the days between calm)


def mornings(tenant_id: str, user_id: str, days: range) -> list[Any]:
    return [
        pain_event(
            tenant_id,
            user_id,
            f"m{n:02d}",
            START + timedelta(days=n, hours=7),
            8 if n in FLARE_DAYS else 1,
            "next_morning",
        )
        for n in days
    ]


async def flaring_user(
    services: Stack, redis_client: redis.Redis, prefix: str, user_id: str = "u-pages"
) -> tuple[dict[str, Any], dict[str, str]]:
    tenant = await services.create_tenant()
    t = tenant["tenant_id"]
    quiz = quiz_event(t, user_id, START, back_pain=1, leg_pain=1)
    publish(redis_client, prefix, quiz, *mornings(t, user_id, range(1, 24)))
    await eventually(lambda: caught_up(redis_client, prefix, *CONSUMED))
    return tenant, bearer(tenant["api_key"]["key"])


async def flare_pages(
    services: Stack, user_id: str, key: dict[str, str], limit: int
) -> list[list[dict[str, Any]]]:
    client = services.clients["flare_detector"]
    found: list[list[dict[str, Any]]] = []
    params: dict[str, str] = {"limit": str(limit)}
    while True:
        answer = await client.get(f"/v1/users/{user_id}/flares", params=params, headers=key)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found.append(body["items"])
        if body["next_cursor"] is None:
            return found
        params["cursor"] = body["next_cursor"]


async def test_pages_give_every_flare_exactly_once_in_event_time(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    _, key = await flaring_user(services, redis_client, prefix)
    client = services.clients["flare_detector"]
    whole = (await client.get("/v1/users/u-pages/flares", headers=key)).json()
    logs = [f["log_id"] for f in whole["items"]]
    assert logs == [f"m{n:02d}" for n in FLARE_DAYS] and whole["next_cursor"] is None
    times = [datetime.fromisoformat(f["observed_at"]) for f in whole["items"]]
    assert times == sorted(times)
    for limit in (1, 4, 11):
        paged = await flare_pages(services, "u-pages", key, limit)
        assert [f["log_id"] for page in paged for f in page] == logs
        assert len(paged) == -(-len(logs) // limit)
        assert all(len(page) == limit for page in paged[:-1])


async def test_a_flare_found_between_pages_is_neither_repeated_nor_skipped(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant, key = await flaring_user(services, redis_client, prefix)
    client = services.clients["flare_detector"]
    first = (await client.get("/v1/users/u-pages/flares?limit=5", headers=key)).json()
    seen = [f["log_id"] for f in first["items"]]
    late = pain_event(
        tenant["tenant_id"],
        "u-pages",
        "m30",
        START + timedelta(days=30, hours=7),
        8,
        "next_morning",
    )
    publish(redis_client, prefix, late)
    await eventually(lambda: caught_up(redis_client, prefix, *CONSUMED))
    rest: list[str] = []
    cursor = first["next_cursor"]
    while cursor:
        page = await client.get(f"/v1/users/u-pages/flares?limit=5&cursor={cursor}", headers=key)
        rest += [f["log_id"] for f in page.json()["items"]]
        cursor = page.json()["next_cursor"]
    assert seen + rest == [f"m{n:02d}" for n in FLARE_DAYS] + ["m30"]


async def test_a_cursor_of_another_tenant_user_or_list_or_garbage_is_a_400_problem(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant, key = await flaring_user(services, redis_client, prefix)
    _, other_key = await flaring_user(services, redis_client, prefix)
    t = tenant["tenant_id"]
    publish(redis_client, prefix, *mornings(t, "u-other", range(1, 4)))
    await eventually(lambda: caught_up(redis_client, prefix, *CONSUMED))
    client = services.clients["flare_detector"]
    cursor = (await client.get("/v1/users/u-pages/flares?limit=1", headers=key)).json()[
        "next_cursor"
    ]
    forged = encode_cursor(flares_scope("u-pages"), t, (1, 2))  # this list's, not a flare's key
    timeline_cursor = encode_cursor(timeline_scope("u-pages"), t, (START, 1, "m02"))
    refused = [
        await client.get(f"/v1/users/u-pages/flares?cursor={cursor}", headers=other_key),
        await client.get(f"/v1/users/u-other/flares?cursor={cursor}", headers=key),
        await client.get(f"/v1/users/u-pages/flares?cursor={timeline_cursor}", headers=key),
        await client.get("/v1/users/u-pages/flares?cursor=Z2FyYmFnZQ", headers=key),
        await client.get(f"/v1/users/u-pages/flares?cursor={forged}", headers=key),
    ]
    for answer in refused:
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in answer.json()["errors"]] == ["query.cursor"]
    too_many = await client.get("/v1/users/u-pages/flares?limit=201", headers=key)
    assert too_many.status_code == 422
    assert [e["field"] for e in too_many.json()["errors"]] == ["query.limit"]
    unknown = await client.get("/v1/users/nobody/flares", headers=key)
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["type"] == "/problems/not-found"


async def test_a_removal_is_answered_with_its_typed_evidence_on_every_page(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant, key = await flaring_user(services, redis_client, prefix)
    session = session_event(
        tenant["tenant_id"],
        "u-pages",
        "s1",
        START + timedelta(days=25),
        ["glute-bridge", "bird-dog"],
        qualities={"bird-dog": ("radiating",)},
    )
    publish(redis_client, prefix, session)
    await eventually(lambda: caught_up(redis_client, prefix, *CONSUMED))
    client = services.clients["flare_detector"]

    async def removed() -> list[dict[str, Any]]:
        body = (await client.get("/v1/users/u-pages/flares?limit=2", headers=key)).json()
        return list(body["removals"])

    (removal,) = await eventually(removed)
    assert (removal["exercise_id"], removal["rule"], removal["severity"]) == (
        "bird-dog",
        "immediate",
        "confirmed",
    )
    evidence = removal["evidence"]
    assert evidence["report_ids"] == ["session:s1:bird-dog"]
    assert evidence["statistic"] == "rule_one" and evidence["windows"] == ["during"]
    assert evidence["exposures"] == 1 and evidence["checkpoint"] is None
    page = (await client.get("/v1/users/u-pages/flares?limit=2", headers=key)).json()
    last = (
        await client.get(
            f"/v1/users/u-pages/flares?limit=2&cursor={page['next_cursor']}", headers=key
        )
    ).json()
    assert last["removals"] == page["removals"]


def test_list_flares_documents_its_page_and_its_problems() -> None:
    doc = build_app().openapi()
    op = doc["paths"]["/v1/users/{user_id}/flares"]["get"]
    assert op["operationId"] == "list_flares"
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/FlaresPage"}
    schemas = doc["components"]["schemas"]
    page = schemas["FlaresPage"]["properties"]
    assert {"items", "next_cursor", "removals", "watermark", "cannot_be_separated"} <= set(page)
    removal = schemas["RemovalView"]["properties"]["evidence"]
    assert removal == {"$ref": "#/components/schemas/RemovalEvidence"}
    for status in ("400", "404"):
        documented = op["responses"][status]["content"]
        assert [c["schema"] for c in documented.values()] == [
            {"$ref": "#/components/schemas/Problem"}
        ]
    names = {p["name"]: p for p in op["parameters"]}
    assert names["limit"]["schema"]["maximum"] == 200 and names["limit"]["schema"]["default"] == 50
    assert "cursor" in names
