"""Tenants, API keys and the quiz service over HTTP, with the real bus, Redis and database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis

from services.quiz.app import build_app as build_quiz
from services.quiz.settings import QuizSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.events.quiz import QuizCompleted, UserReferred
from shared.http.pagination import encode_cursor
from tests.factories.quiz import clean_answers
from tests.support.pages import all_pages
from tests.support.settings import OPERATOR_TOKEN
from tests.support.stack import Stack, bearer, service_settings, stack
from tests.support.waiting import eventually


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "quiz": build_quiz(service_settings(QuizSettings, redis_url, database_url, prefix)),
    }
    async with stack(apps) as running:
        yield running


def entries(client: redis.Redis, prefix: str, event_type: str) -> list[Any]:
    return list(client.xrange(f"{prefix}{event_type}"))


async def settle() -> None:
    """Long enough for the outbox relay (polling every 50 ms) to have run several times."""
    await asyncio.sleep(0.4)


async def test_new_tenant_key_works_on_other_services_at_once(services: Stack) -> None:
    tenant = await services.create_tenant()
    quiz = services.clients["quiz"]
    response = await quiz.get("/v1/quiz", headers=bearer(tenant["api_key"]["key"]))
    assert response.status_code == 200
    assert {s["id"] for s in response.json()["sections"]} >= {"red_flags", "symptoms"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sf_0123456789abcdef_not-a-real-key"},
        {"Authorization": "Basic x"},
    ],
    ids=["missing", "unknown", "not-bearer"],
)
async def test_tenant_endpoints_refuse_requests_without_a_valid_key(
    services: Stack, headers: dict[str, str]
) -> None:
    response = await services.clients["quiz"].get("/v1/quiz", headers=headers)
    assert response.status_code == 401
    assert response.json()["type"] == "/problems/unauthorized"


async def test_admin_endpoints_need_the_operator_token(services: Stack) -> None:
    tenant = await services.create_tenant()
    admin = services.clients["tenants"]
    as_tenant = await admin.post(
        "/admin/v1/tenants", json={"name": "x"}, headers=bearer(tenant["api_key"]["key"])
    )
    assert as_tenant.status_code == 401
    listed = await admin.get("/admin/v1/tenants", headers=bearer(OPERATOR_TOKEN))
    assert tenant["tenant_id"] in {t["tenant_id"] for t in listed.json()["items"]}
    # The key itself is never shown again, nor stored.
    detail = await admin.get(
        f"/admin/v1/tenants/{tenant['tenant_id']}", headers=bearer(OPERATOR_TOKEN)
    )
    assert tenant["api_key"]["key"] not in detail.text
    assert detail.json()["active_keys"] == 1
    keys = await admin.get(
        f"/admin/v1/tenants/{tenant['tenant_id']}/keys", headers=bearer(OPERATOR_TOKEN)
    )
    assert tenant["api_key"]["key"] not in keys.text
    assert keys.json()["items"][0]["key_id"] == tenant["api_key"]["key_id"]


async def test_revoked_key_is_refused_everywhere_when_revocation_answers(services: Stack) -> None:
    tenant = await services.create_tenant()
    key = tenant["api_key"]
    admin = services.clients["tenants"]
    second = await admin.post(
        f"/admin/v1/tenants/{tenant['tenant_id']}/keys", headers=bearer(OPERATOR_TOKEN)
    )
    assert second.status_code == 201
    revoked = await admin.delete(
        f"/admin/v1/tenants/{tenant['tenant_id']}/keys/{key['key_id']}",
        headers=bearer(OPERATOR_TOKEN),
    )
    assert revoked.status_code == 200
    assert revoked.json() == {"key_id": key["key_id"], "revoked": True, "propagated": True}
    quiz = services.clients["quiz"]
    # No waiting: the revocation answered only once the quiz service had applied it.
    assert (await quiz.get("/v1/quiz", headers=bearer(key["key"]))).status_code == 401
    assert (await quiz.get("/v1/quiz", headers=bearer(second.json()["key"]))).status_code == 200


async def test_valid_quiz_is_accepted_and_emits_one_quiz_completed_even_when_retried(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant = await services.create_tenant()
    headers = {**bearer(tenant["api_key"]["key"]), "Idempotency-Key": "quiz-attempt-1"}
    quiz = services.clients["quiz"]
    first = await quiz.post("/v1/users/u-42/quiz", json=clean_answers(), headers=headers)
    retried = await quiz.post("/v1/users/u-42/quiz", json=clean_answers(), headers=headers)
    assert first.status_code == retried.status_code == 202
    assert first.json()["status"] == "accepted"
    assert retried.json() == first.json()
    assert retried.headers["Idempotent-Replayed"] == "true"

    stored = await eventually(lambda: _async(entries(redis_client, prefix, QuizCompleted.TYPE)))
    await settle()
    stored = entries(redis_client, prefix, QuizCompleted.TYPE)
    assert len(stored) == 1
    event = _event(QuizCompleted, stored[0])
    assert event.tenant_id == tenant["tenant_id"]
    assert event.user_id == "u-42"
    assert str(event.response_id) == first.json()["response_id"]
    assert event.answers.symptoms.leg_pain == 4
    assert entries(redis_client, prefix, UserReferred.TYPE) == []


async def test_idempotency_key_reused_with_other_answers_is_refused(services: Stack) -> None:
    tenant = await services.create_tenant()
    headers = {**bearer(tenant["api_key"]["key"]), "Idempotency-Key": "k1"}
    quiz = services.clients["quiz"]
    assert (
        await quiz.post("/v1/users/u1/quiz", json=clean_answers(), headers=headers)
    ).status_code == 202
    other = clean_answers(symptoms={"leg_pain": 6})
    response = await quiz.post("/v1/users/u1/quiz", json=other, headers=headers)
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/idempotency-key-reused"


async def test_cauda_equina_answer_is_referred_and_emits_no_quiz_completed(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant = await services.create_tenant()
    answers = clean_answers(red_flags={"saddle_numbness": True})
    response = await services.clients["quiz"].post(
        "/v1/users/u7/quiz", json=answers, headers=bearer(tenant["api_key"]["key"])
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "refer"
    assert body["level"] == "emergency"
    assert "saddle_numbness" in {r["code"] for r in body["reasons"]}
    referred = await eventually(lambda: _async(entries(redis_client, prefix, UserReferred.TYPE)))
    assert _event(UserReferred, referred[0]).level == "emergency"
    await settle()
    assert entries(redis_client, prefix, QuizCompleted.TYPE) == []


async def test_invalid_answers_get_422_naming_each_field_and_nothing_is_stored(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant = await services.create_tenant()
    answers = clean_answers(symptoms={"leg_pain": 11}, schedule={"sessions_per_week": 0})
    del answers["red_flags"]["pregnant"]
    answers["favourite_colour"] = "blue"
    key = bearer(tenant["api_key"]["key"])
    quiz = services.clients["quiz"]
    response = await quiz.post("/v1/users/u1/quiz", json=answers, headers=key)
    assert response.status_code == 422
    fields = {f["field"] for f in response.json()["errors"]}
    assert fields == {
        "symptoms.leg_pain",
        "schedule.sessions_per_week",
        "red_flags.pregnant",
        "favourite_colour",
    }
    bad_user = await quiz.post("/v1/users/not%20valid/quiz", json=clean_answers(), headers=key)
    assert bad_user.status_code == 422
    assert {f["field"] for f in bad_user.json()["errors"]} == {"path.user_id"}
    assert (await quiz.get("/v1/users/u1/quiz", headers=key)).status_code == 404
    await settle()
    assert entries(redis_client, prefix, QuizCompleted.TYPE) == []


async def test_second_tenant_gets_404_for_everything_the_first_created(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    first, second = await services.create_tenant("First"), await services.create_tenant("Second")
    quiz = services.clients["quiz"]
    a, b = bearer(first["api_key"]["key"]), bearer(second["api_key"]["key"])
    submitted = await quiz.post(
        "/v1/users/shared-id/quiz", json=clean_answers(), headers={**a, "Idempotency-Key": "same"}
    )
    assert submitted.status_code == 202
    assert (await quiz.get("/v1/users/shared-id/quiz", headers=a)).status_code == 200
    assert (await quiz.get("/v1/users/shared-id/quiz", headers=b)).status_code == 404
    # The same Idempotency-Key from another tenant is another request, not a replay.
    own = await quiz.post(
        "/v1/users/shared-id/quiz", json=clean_answers(), headers={**b, "Idempotency-Key": "same"}
    )
    assert own.status_code == 202
    assert own.json()["response_id"] != submitted.json()["response_id"]
    assert "Idempotent-Replayed" not in own.headers
    seen_by_b = (await quiz.get("/v1/users/shared-id/quiz", headers=b)).json()
    assert seen_by_b["response_id"] == own.json()["response_id"]
    # Each event carries its own tenant.
    stored = await eventually(
        lambda: _async(len(entries(redis_client, prefix, QuizCompleted.TYPE)) == 2)
    )
    assert stored
    tenants = {
        _event(QuizCompleted, e).tenant_id
        for e in entries(redis_client, prefix, QuizCompleted.TYPE)
    }
    assert tenants == {first["tenant_id"], second["tenant_id"]}


def _event(cls: Any, entry: Any) -> Any:
    from faststream.redis.parser import BinaryMessageFormatV1

    body, _ = BinaryMessageFormatV1.parse(entry[1][b"__data__"])
    return cls.model_validate_json(body)


async def _status_is(client: Any, path: str, key: str, status: int) -> bool:
    return bool((await client.get(path, headers=bearer(key))).status_code == status)


async def _async(value: Any) -> Any:
    return value


async def test_concurrent_retries_with_one_idempotency_key_make_one_response_and_one_event(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant = await services.create_tenant()
    headers = {**bearer(tenant["api_key"]["key"]), "Idempotency-Key": "racing"}
    quiz = services.clients["quiz"]
    answers = await asyncio.gather(
        *(quiz.post("/v1/users/u9/quiz", json=clean_answers(), headers=headers) for _ in range(6))
    )
    assert {r.status_code for r in answers} == {202}
    assert len({r.json()["response_id"] for r in answers}) == 1
    await eventually(lambda: _async(entries(redis_client, prefix, QuizCompleted.TYPE)))
    await settle()
    assert len(entries(redis_client, prefix, QuizCompleted.TYPE)) == 1


async def test_retried_tenant_creation_makes_one_tenant_and_never_shows_the_key_twice(
    services: Stack,
) -> None:
    admin = services.clients["tenants"]
    headers = {**bearer(OPERATOR_TOKEN), "Idempotency-Key": "create-riverside"}
    first = await admin.post("/admin/v1/tenants", json={"name": "Riverside"}, headers=headers)
    again = await admin.post("/admin/v1/tenants", json={"name": "Riverside"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["tenant_id"] == first.json()["tenant_id"]
    assert first.json()["api_key"]["key"].startswith("sf_")
    assert again.json()["api_key"]["key"] is None
    assert again.json()["api_key"]["key_id"] == first.json()["api_key"]["key_id"]
    listed = await admin.get("/admin/v1/tenants", headers=bearer(OPERATOR_TOKEN))
    assert [t["name"] for t in listed.json()["items"]].count("Riverside") == 1


async def test_retried_key_issue_makes_one_key(services: Stack) -> None:
    tenant = await services.create_tenant()
    admin = services.clients["tenants"]
    path = f"/admin/v1/tenants/{tenant['tenant_id']}/keys"
    headers = {**bearer(OPERATOR_TOKEN), "Idempotency-Key": "rotate-1"}
    first = await admin.post(path, headers=headers)
    again = await admin.post(path, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["key_id"] == first.json()["key_id"]
    assert again.json()["key"] is None
    keys = await admin.get(path, headers=bearer(OPERATOR_TOKEN))
    assert len(keys.json()["items"]) == 2  # the first key and one rotation, not two


async def test_every_replica_of_a_service_learns_every_key_and_every_revocation(
    redis_url: str, database_url: str, prefix: str
) -> None:
    """Two replicas of the quiz service share one consumer group, which hands each key event
    to one of them: both must still accept every new key, and both refuse it once revoked."""
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "quiz-a": build_quiz(
            service_settings(QuizSettings, redis_url, database_url, prefix, consumer_name="a")
        ),
        "quiz-b": build_quiz(
            service_settings(QuizSettings, redis_url, database_url, prefix, consumer_name="b")
        ),
    }
    async with stack(apps) as s:
        tenants = [await s.create_tenant(f"Clinic {i}") for i in range(4)]
        replicas = [s.clients["quiz-a"], s.clients["quiz-b"]]

        async def statuses() -> set[int]:
            return {
                (await c.get("/v1/users/u1/quiz", headers=bearer(t["api_key"]["key"]))).status_code
                for c in replicas
                for t in tenants
            }

        assert 401 not in await eventually(lambda: _without(statuses, 401))
        for t in tenants:
            revoked = await s.clients["tenants"].delete(
                f"/admin/v1/tenants/{t['tenant_id']}/keys/{t['api_key']['key_id']}",
                headers=bearer(OPERATOR_TOKEN),
            )
            assert revoked.status_code == 200, revoked.text
        assert await eventually(lambda: _only(statuses, 401)) == {401}


async def _without(statuses: Any, code: int) -> set[int] | None:
    found: set[int] = await statuses()
    return found if code not in found else None


async def _only(statuses: Any, code: int) -> set[int] | None:
    found: set[int] = await statuses()
    return found if found == {code} else None


async def test_tenants_page_oldest_first_each_once_and_one_created_between_pages_comes_last(
    services: Stack,
) -> None:
    admin = services.clients["tenants"]
    made = [(await services.create_tenant(f"T{i}"))["tenant_id"] for i in range(5)]
    listed = await all_pages(admin, "/admin/v1/tenants", bearer(OPERATOR_TOKEN), 2)
    assert [t["tenant_id"] for t in listed] == made

    first = await admin.get(
        "/admin/v1/tenants", params={"limit": 2}, headers=bearer(OPERATOR_TOKEN)
    )
    assert [t["tenant_id"] for t in first.json()["items"]] == made[:2]
    later = (await services.create_tenant("Late"))["tenant_id"]
    rest = await all_pages(
        admin, "/admin/v1/tenants", bearer(OPERATOR_TOKEN), 2, first.json()["next_cursor"]
    )
    assert [t["tenant_id"] for t in rest] == [*made[2:], later]


async def test_a_tenants_keys_page_and_a_cursor_of_another_list_is_a_400(services: Stack) -> None:
    admin = services.clients["tenants"]
    tenant, other = await services.create_tenant("A"), await services.create_tenant("B")
    path = f"/admin/v1/tenants/{tenant['tenant_id']}/keys"
    issued = [tenant["api_key"]["key_id"]]
    for _ in range(4):
        issued.append((await admin.post(path, headers=bearer(OPERATOR_TOKEN))).json()["key_id"])
    keys = await all_pages(admin, path, bearer(OPERATOR_TOKEN), 3)
    assert [k["key_id"] for k in keys] == issued
    assert {k["revoked"] for k in keys} == {False} and "key" not in keys[0]

    page = await admin.get(path, params={"limit": 1}, headers=bearer(OPERATOR_TOKEN))
    cursor = page.json()["next_cursor"]
    tenants_cursor = (
        await admin.get("/admin/v1/tenants", params={"limit": 1}, headers=bearer(OPERATOR_TOKEN))
    ).json()["next_cursor"]
    for wrong_path, bad in [
        (f"/admin/v1/tenants/{other['tenant_id']}/keys", cursor),  # another tenant's keys
        ("/admin/v1/tenants", cursor),  # another list
        (path, tenants_cursor),
        (path, "bm90LWEtY3Vyc29y"),  # not a cursor
        (path, encode_cursor(f"tenant-keys:{tenant['tenant_id']}", "operator", (1, 2))),  # made up
    ]:
        answer = await admin.get(wrong_path, params={"cursor": bad}, headers=bearer(OPERATOR_TOKEN))
        assert answer.status_code == 400, (wrong_path, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == ["query.cursor"]
    for limit in ("0", "201"):
        answer = await admin.get(path, params={"limit": limit}, headers=bearer(OPERATOR_TOKEN))
        assert answer.status_code == 422


async def test_unknown_tenant_key_or_quiz_is_a_not_found_problem(services: Stack) -> None:
    tenant = await services.create_tenant()
    admin, quiz = services.clients["tenants"], services.clients["quiz"]
    operator = bearer(OPERATOR_TOKEN)
    answers = [
        await admin.get("/admin/v1/tenants/tn_nobody", headers=operator),
        await admin.get("/admin/v1/tenants/tn_nobody/keys", headers=operator),
        await admin.post("/admin/v1/tenants/tn_nobody/keys", headers=operator),
        await admin.delete(
            f"/admin/v1/tenants/{tenant['tenant_id']}/keys/k_none", headers=operator
        ),
        await quiz.get("/v1/users/u1/quiz", headers=bearer(tenant["api_key"]["key"])),
    ]
    for answer in answers:
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["type"] == "/problems/not-found"


async def test_the_latest_quiz_reads_back_typed(services: Stack) -> None:
    tenant = await services.create_tenant()
    quiz, key = services.clients["quiz"], bearer(tenant["api_key"]["key"])
    submitted = await quiz.post("/v1/users/u1/quiz", json=clean_answers(), headers=key)
    assert submitted.status_code == 202 and submitted.json()["status"] == "accepted"
    latest = (await quiz.get("/v1/users/u1/quiz", headers=key)).json()
    assert latest["response_id"] == submitted.json()["response_id"]
    assert latest["status"] == "accepted" and latest["level"] is None and latest["reasons"] == []
    assert latest["answers"]["symptoms"] == clean_answers()["symptoms"]


OPERATIONS = {
    "quiz": {"get_questionnaire", "submit_quiz", "get_quiz"},
    "tenants": {
        "create_tenant",
        "list_tenants",
        "get_tenant",
        "list_keys",
        "issue_key",
        "revoke_key",
    },
}


@pytest.mark.parametrize("service", sorted(OPERATIONS))
def test_every_answer_of_quiz_and_tenants_has_a_schema_in_the_document(service: str) -> None:
    app = build_quiz(QuizSettings()) if service == "quiz" else build_tenants(TenantsSettings())
    document = app.openapi()
    seen: dict[str, list[dict[str, Any]]] = {}
    for item in document["paths"].values():
        for operation in item.values():
            seen[operation["operationId"]] = [
                answer["content"]["application/json"]["schema"]
                for status, answer in operation["responses"].items()
                if status.startswith("2")
            ]
    assert set(seen) >= OPERATIONS[service]
    for operation in OPERATIONS[service]:
        schemas = seen[operation]
        assert schemas and all("$ref" in s for s in schemas), operation
    submit = document["paths"]["/v1/users/{user_id}/quiz"]["post"] if service == "quiz" else None
    if submit is not None:
        assert {"200", "202"} <= set(submit["responses"])
