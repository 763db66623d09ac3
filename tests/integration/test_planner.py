"""The planner over the real Redis and database: quiz in, plan out; removal in, new version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis

from shared.events.flares import ExerciseRemoved
from shared.events.quiz import UserReferred
from tests.factories.planner import ACUTE, SUBACUTE, answers, removal
from tests.support.planner import planner_stack
from tests.support.planner_events import plans_generated, publish, quiz_completed
from tests.support.stack import Stack, bearer
from tests.support.waiting import eventually


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    async with planner_stack(redis_url, database_url, prefix) as running:
        yield running


@pytest.fixture
async def on_sqlite(redis_url: str, tmp_path: Path, prefix: str) -> AsyncIterator[Stack]:
    """For the cases where the database engine does not matter: SQLite only."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    async with planner_stack(redis_url, url, prefix) as running:
        yield running


async def _plan(services: Stack, key: str, user: str, version: int) -> dict[str, Any] | None:
    response = await services.clients["planner"].get(f"/v1/users/{user}/plan", headers=bearer(key))
    if response.status_code == 200 and response.json()["version"] >= version:
        body: dict[str, Any] = response.json()
        return body
    return None


async def _versions(services: Stack, key: str, user: str) -> list[dict[str, Any]]:
    response = await services.clients["planner"].get(
        f"/v1/users/{user}/plan/versions", headers=bearer(key)
    )
    if response.status_code == 404:
        return []
    versions: list[dict[str, Any]] = response.json()["items"]
    return versions


async def _consumed(services: Stack, event_type: str) -> None:
    planner = services.apps["planner"]
    assert await planner.state.bus.wait_consumed(event_type, timeout_s=10)
    await planner.state.bus.relay.relay_once()


async def test_quiz_makes_a_plan_and_a_removal_makes_a_new_version_with_its_evidence(
    services: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant = await services.create_tenant()
    tid, key = tenant["tenant_id"], tenant["api_key"]["key"]
    planner = services.apps["planner"]
    assert (
        await services.clients["planner"].get("/v1/users/u1/plan", headers=bearer(key))
    ).status_code == 404

    await publish(planner, quiz_completed(tid, "u1", answers(SUBACUTE)))
    first = await eventually(lambda: _plan(services, key, "u1", 1))
    assert first["version"] == 1 and first["phase"] == "subacute"
    ids = [e["id"] for e in first["exercises"]]
    assert "glute-bridge" in ids and "clamshell" in ids
    assert {e["days"] == ["mon", "wed", "fri"] for e in first["exercises"]} == {True}
    excluded = {x["id"]: x["reason"] for x in first["excluded"]}
    assert (
        excluded["back-squat"]
        == "axial compression during a settling (subacute) phase (DOMAIN.md 3)"
    )

    await publish(planner, removal("glute-bridge", tenant_id=tid, user_id="u1"))
    second = await eventually(lambda: _plan(services, key, "u1", 2))
    assert second["trigger"] == "removal"
    assert "glute-bridge" not in [e["id"] for e in second["exercises"]]
    assert "glute-bridge-hold" in [e["id"] for e in second["exercises"]]
    removed = {r["id"]: r for r in second["removed"]}
    assert removed["glute-bridge"]["evidence"]["flares_after"] == 3
    assert removed["single-leg-glute-bridge"]["because_of"] == "glute-bridge"

    versions = await _versions(services, key, "u1")
    assert [v["version"] for v in versions] == [1, 2]
    change = versions[1]
    assert {
        "exercise_id": "glute-bridge",
        "replaced_by": "glute-bridge-hold",
        "how": "regression",
    } in change["changes"]["replaced"]
    (why,) = change["why"]
    assert why["kind"] == "removal" and why["exercise_id"] == "glute-bridge"
    assert why["evidence"]["report_ids"] == ["log-1", "log-2", "log-3"]
    assert "single-leg-glute-bridge" in why["removed"]

    # A new quiz starts a new version, and the removal stays.
    await publish(planner, quiz_completed(tid, "u1", answers(ACUTE)))
    third = await eventually(lambda: _plan(services, key, "u1", 3))
    assert third["trigger"] == "quiz" and third["phase"] == "acute"
    assert "glute-bridge" in {r["id"] for r in third["removed"]}
    assert "glute-bridge" not in [e["id"] for e in third["exercises"]]

    await _consumed(services, "quiz-completed")

    async def three_emitted() -> list[Any] | None:
        found = [e for e in plans_generated(redis_client, prefix) if e.user_id == "u1"]
        return found if len(found) >= 3 else None

    emitted = await eventually(three_emitted)
    assert [(e.version, e.trigger) for e in emitted] == [(1, "quiz"), (2, "removal"), (3, "quiz")]
    assert len({e.plan_id for e in emitted}) == 1
    assert "glute-bridge" in emitted[1].removed_exercise_ids
    assert "glute-bridge" not in emitted[1].exercise_ids


async def test_duplicate_unknown_user_and_not_in_plan_removals_make_no_new_version(
    on_sqlite: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    services = on_sqlite
    tenant = await services.create_tenant()
    tid, key = tenant["tenant_id"], tenant["api_key"]["key"]
    planner = services.apps["planner"]
    await publish(planner, quiz_completed(tid, "u1", answers(SUBACUTE)))
    await eventually(lambda: _plan(services, key, "u1", 1))
    await publish(planner, removal("clamshell", tenant_id=tid, user_id="u1", severity="suspected"))
    await eventually(lambda: _plan(services, key, "u1", 2))

    await publish(
        planner,
        # the same removal again, and a weaker one of the same exercise
        removal("clamshell", tenant_id=tid, user_id="u1", severity="suspected"),
        removal("clamshell", tenant_id=tid, user_id="u1", severity="suspected", rule="delayed"),
        # an exercise the user does not have (excluded anyway)
        removal("back-squat", tenant_id=tid, user_id="u1"),
        # a user the planner has never seen, and the same user id of another tenant
        removal("glute-bridge", tenant_id=tid, user_id="nobody"),
        removal("glute-bridge", tenant_id="tn_other", user_id="u1"),
    )
    # A quiz older (in event time) than the one applied arrives late: it changes nothing.
    late = quiz_completed(tid, "u1", answers(ACUTE), occurred_at=datetime(2020, 1, 1, tzinfo=UTC))
    await publish(planner, late)
    await _consumed(services, ExerciseRemoved.TYPE)
    await _consumed(services, "quiz-completed")
    assert [v["version"] for v in await _versions(services, key, "u1")] == [1, 2]
    assert await _versions(services, key, "nobody") == []
    assert len(plans_generated(redis_client, prefix)) == 2
    assert redis_client.xlen(f"{prefix}{ExerciseRemoved.TYPE}.dlq") == 0

    # The kept removal of a not-yet-planned exercise applies once the user has a plan.
    await publish(planner, quiz_completed(tid, "nobody", answers(SUBACUTE)))
    plan = await eventually(lambda: _plan(services, key, "nobody", 1))
    assert "glute-bridge" not in [e["id"] for e in plan["exercises"]]


async def test_another_tenant_sees_nothing_and_the_library_needs_a_key(on_sqlite: Stack) -> None:
    services = on_sqlite
    first, second = await services.create_tenant("A"), await services.create_tenant("B")
    a, b = first["api_key"]["key"], second["api_key"]["key"]
    planner = services.apps["planner"]
    await publish(planner, quiz_completed(first["tenant_id"], "shared-id", answers()))
    await eventually(lambda: _plan(services, a, "shared-id", 1))
    client = services.clients["planner"]
    assert (await client.get("/v1/users/shared-id/plan", headers=bearer(b))).status_code == 404
    assert (
        await client.get("/v1/users/shared-id/plan/versions", headers=bearer(b))
    ).status_code == 404

    assert (await client.get("/v1/exercises")).status_code == 401
    library = (await client.get("/v1/exercises", headers=bearer(b))).json()
    assert len(library["exercises"]) >= 60
    bridge = next(e for e in library["exercises"] if e["id"] == "glute-bridge")
    assert bridge["progression"] == "marching-glute-bridge" and bridge["safety"]["reviewed"]
    one = await client.get("/v1/exercises/straight-leg-raise-tensioner", headers=bearer(a))
    assert one.json()["loads"] == ["neural_tensioner"]
    assert (await client.get("/v1/exercises/no-such-one", headers=bearer(a))).status_code == 404
    bad = await client.get("/v1/users/not%20valid/plan", headers=bearer(a))
    assert bad.status_code == 422
    assert {f["field"] for f in bad.json()["errors"]} == {"path.user_id"}


async def test_a_referral_pauses_the_plan_and_a_later_quiz_resumes_it(on_sqlite: Stack) -> None:
    services = on_sqlite
    tenant = await services.create_tenant()
    tid, key = tenant["tenant_id"], tenant["api_key"]["key"]
    planner = services.apps["planner"]
    await publish(planner, quiz_completed(tid, "u1", answers()))
    await eventually(lambda: _plan(services, key, "u1", 1))
    referral = UserReferred.model_validate(
        {
            "tenant_id": tid,
            "user_id": "u1",
            "response_id": "00000000-0000-4000-8000-000000000001",
            "level": "same_day",
            "reasons": [{"code": "foot_drop", "level": "same_day", "message": "See a doctor."}],
        }
    )
    await publish(planner, referral)

    async def paused() -> dict[str, Any] | None:
        plan = await _plan(services, key, "u1", 1)
        return plan if plan and plan["status"] == "paused" else None

    body = await eventually(paused)
    assert body["paused"]["level"] == "same_day" and body["version"] == 1
    await publish(planner, quiz_completed(tid, "u1", answers()))
    resumed = await eventually(lambda: _plan(services, key, "u1", 2))
    assert resumed["status"] == "active"
