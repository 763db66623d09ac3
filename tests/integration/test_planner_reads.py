"""The planner's reads as a client sees them: versions page with a cursor, every answer has
a schema in the document, and a missing plan is a problem."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.planner import service
from services.planner.app import build_app as build_planner
from services.planner.settings import PlannerSettings
from shared.http.pagination import encode_cursor
from tests.factories.planner import ACUTE, SUBACUTE, answers
from tests.support.pages import all_pages
from tests.support.planner import planner_stack
from tests.support.planner_events import quiz_completed
from tests.support.stack import Stack, bearer

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
PLANNER_OPERATIONS = {"list_exercises", "get_exercise", "get_plan", "list_plan_versions"}


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    async with planner_stack(redis_url, database_url, prefix) as running:
        yield running


async def _quizzes(services: Stack, tenant_id: str, user_id: str, count: int, start: int) -> None:
    """`count` versions more for the user, through the use case the consumer calls."""
    planner = services.apps["planner"]
    events = [
        quiz_completed(
            tenant_id,
            user_id,
            answers(ACUTE if i % 2 else SUBACUTE),
            occurred_at=T0 + timedelta(hours=start + i),
        )
        for i in range(count)
    ]
    async with planner.state.db.unit_of_work() as uow:
        await service.on_quizzes_completed(uow, planner.state.library, events)


async def test_versions_page_in_order_each_once_and_an_insert_between_pages_is_not_repeated(
    services: Stack,
) -> None:
    tenant = await services.create_tenant()
    tid, key = tenant["tenant_id"], tenant["api_key"]["key"]
    client = services.clients["planner"]
    path = "/v1/users/u1/plan/versions"
    await _quizzes(services, tid, "u1", 7, start=0)

    seen = [v["version"] for v in await all_pages(client, path, bearer(key), 3)]
    assert seen == [1, 2, 3, 4, 5, 6, 7]

    first = (await client.get(path, params={"limit": 4}, headers=bearer(key))).json()
    assert [v["version"] for v in first["items"]] == [1, 2, 3, 4]
    await _quizzes(services, tid, "u1", 2, start=10)  # versions 8 and 9, between two pages
    rest = await all_pages(client, path, bearer(key), 4, first["next_cursor"])
    assert [v["version"] for v in rest] == [5, 6, 7, 8, 9]

    whole = (await client.get(path, params={"limit": 200}, headers=bearer(key))).json()
    assert len(whole["items"]) == 9 and whole["next_cursor"] is None
    assert whole["items"][0]["why"][0]["kind"] == "quiz"
    default = (await client.get(path, headers=bearer(key))).json()
    assert len(default["items"]) == 9


@pytest.mark.parametrize("limit", ["0", "201", "x"])
async def test_a_limit_outside_1_to_200_is_refused(services: Stack, limit: str) -> None:
    tenant = await services.create_tenant()
    response = await services.clients["planner"].get(
        "/v1/users/u1/plan/versions",
        params={"limit": limit},
        headers=bearer(tenant["api_key"]["key"]),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["query.limit"]


async def test_a_cursor_of_another_tenant_another_user_or_none_at_all_is_a_400(
    services: Stack,
) -> None:
    first, second = await services.create_tenant("A"), await services.create_tenant("B")
    a, b = first["api_key"]["key"], second["api_key"]["key"]
    await _quizzes(services, first["tenant_id"], "u1", 3, start=0)
    await _quizzes(services, first["tenant_id"], "u2", 3, start=0)
    await _quizzes(services, second["tenant_id"], "u1", 3, start=0)
    client = services.clients["planner"]
    page = (
        await client.get("/v1/users/u1/plan/versions", params={"limit": 1}, headers=bearer(a))
    ).json()
    cursor = page["next_cursor"]
    assert cursor

    # This list's and this tenant's, but made up: a text where the version number goes.
    made_up = encode_cursor("plan-versions:u1", first["tenant_id"], ("x",))
    for path, key, bad in [
        ("/v1/users/u1/plan/versions", b, cursor),  # another tenant's
        ("/v1/users/u2/plan/versions", a, cursor),  # another list's
        ("/v1/users/u1/plan/versions", a, "bm90LWEtY3Vyc29y"),  # not a cursor at all
        ("/v1/users/u1/plan/versions", a, made_up),
    ]:
        response = await client.get(path, params={"cursor": bad}, headers=bearer(key))
        assert response.status_code == 400, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in response.json()["errors"]] == ["query.cursor"]


async def test_no_plan_is_a_not_found_problem(services: Stack) -> None:
    tenant = await services.create_tenant()
    client = services.clients["planner"]
    for path in ["/v1/users/nobody/plan", "/v1/users/nobody/plan/versions", "/v1/exercises/nope"]:
        response = await client.get(path, headers=bearer(tenant["api_key"]["key"]))
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["type"] == "/problems/not-found" and body["status"] == 404
        assert body["detail"]


def _success_schemas(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for item in document["paths"].values():
        for operation in item.values():
            schemas = [
                answer["content"]["application/json"]["schema"]
                for status, answer in operation["responses"].items()
                if status.startswith("2")
            ]
            found[operation["operationId"]] = schemas
    return found


def test_every_planner_answer_has_a_schema_in_the_document() -> None:
    document = build_planner(PlannerSettings()).openapi()
    schemas = _success_schemas(document)
    assert set(schemas) >= PLANNER_OPERATIONS
    for operation in PLANNER_OPERATIONS:
        assert schemas[operation] and all("$ref" in s for s in schemas[operation]), operation
    components = document["components"]["schemas"]
    assert "next_cursor" in components["Page_VersionView_"]["properties"]
    plan = components["PlanView"]["properties"]
    assert {"exercises", "excluded", "removed", "status", "paused"} <= set(plan)
    problem = document["paths"]["/v1/users/{user_id}/plan"]["get"]["responses"]["404"]
    (content,) = problem["content"].values()
    assert content["schema"]["$ref"].endswith("/Problem")
