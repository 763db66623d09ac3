"""Rule one never waits in a queue: with thousands of ordinary sessions still waiting on the
session-done stream, a session that reports shooting pain during an exercise reaches the
plan first, through the priority lane (painlog -> flare detector -> planner)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import redis
from faststream.redis.parser import BinaryMessageFormatV1

from services.flare_detector.app import build_app as build_detector
from services.flare_detector.settings import FlareDetectorSettings
from services.painlog.app import build_app as build_painlog
from services.painlog.settings import PainlogSettings
from services.planner.app import build_app as build_planner
from services.planner.settings import PlannerSettings
from services.quiz.app import build_app as build_quiz
from services.quiz.settings import QuizSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.events.painlog import ExerciseDone, SessionDone
from tests.factories.quiz import clean_answers
from tests.support.stack import Stack, bearer, service_settings, stack
from tests.support.waiting import eventually

BACKLOG = 4000
USER = "patient-7"


@pytest.fixture
async def system(redis_url: str, tmp_path: Any, prefix: str) -> AsyncIterator[Stack]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"

    def settings(cls: Any) -> Any:
        return service_settings(cls, redis_url, url, prefix)

    apps = {
        "tenants": build_tenants(settings(TenantsSettings)),
        "quiz": build_quiz(settings(QuizSettings)),
        "planner": build_planner(settings(PlannerSettings)),
        "painlog": build_painlog(settings(PainlogSettings)),
        "flare_detector": build_detector(settings(FlareDetectorSettings)),
    }
    async with stack(apps) as running:
        yield running


async def _plan(planner: httpx.AsyncClient, key: dict[str, str]) -> dict[str, Any] | None:
    response = await planner.get(f"/v1/users/{USER}/plan", headers=key)
    return response.json() if response.status_code == 200 else None


async def _backlog(client: redis.Redis, stream: str, tenant_id: str, at: datetime) -> None:
    """Ordinary sessions of other users, straight onto the stream as the relay writes them."""
    pipe = client.pipeline(transaction=False)
    for i in range(BACKLOG):
        event = SessionDone(
            tenant_id=tenant_id,
            user_id=f"other-{i % 400}",
            session_id=f"b{i}",
            started_at=at - timedelta(minutes=30),
            completed_at=at,
            exercises=(ExerciseDone(exercise_id="clamshell", sets=2, reps=10, pain_during=1),),
        )
        data = await BinaryMessageFormatV1.encode(
            message=event.model_dump_json().encode(),
            reply_to=None,
            headers={"content-type": "application/json"},
            correlation_id=uuid.uuid4().hex,
        )
        pipe.xadd(stream, {"__data__": data})
    pipe.execute()


def _waiting(client: redis.Redis, stream: str, group: str) -> int:
    """Entries of `stream` that `group` has not yet acknowledged (undelivered plus pending)."""
    for g in client.xinfo_groups(stream):
        if g["name"].decode() == group:
            return int(g.get("lag") or 0) + int(g["pending"])
    raise AssertionError(f"no group {group} on {stream}")


async def test_a_rule_one_session_overtakes_a_backlog_of_ordinary_sessions(
    system: Stack, redis_client: redis.Redis, prefix: str
) -> None:
    tenant = await system.create_tenant()
    key = bearer(tenant["api_key"]["key"])
    quiz, planner, painlog = (system.clients[n] for n in ("quiz", "planner", "painlog"))
    accepted = await quiz.post(f"/v1/users/{USER}/quiz", json=clean_answers(), headers=key)
    assert accepted.status_code == 202, accepted.text
    first = await eventually(lambda: _plan(planner, key))
    victim = first["exercises"][0]["id"]

    now = datetime.now(UTC) - timedelta(minutes=1)
    stream = f"{prefix}session-done"
    await _backlog(redis_client, stream, tenant["tenant_id"], now - timedelta(hours=2))
    session = {
        "session_id": "s-rule-one",
        "started_at": (now - timedelta(minutes=30)).isoformat(),
        "completed_at": now.isoformat(),
        "exercises": [
            {
                "exercise_id": victim,
                "sets": 2,
                "reps": 10,
                "pain_during": 6,
                "pain_qualities": ["shooting"],
            }
        ],
    }
    posted = await painlog.post(f"/v1/users/{USER}/sessions", json=session, headers=key)
    assert posted.status_code == 202, posted.text

    async def without_victim() -> tuple[dict[str, Any], int] | None:
        plan = await _plan(planner, key)
        if plan and plan["version"] > first["version"]:
            return plan, _waiting(redis_client, stream, "flare_detector")
        return None

    plan, still_waiting = await eventually(without_victim, timeout=60)
    assert victim not in {e["id"] for e in plan["exercises"]}
    assert victim in {r["id"] for r in plan["removed"]}
    # The removal came through while ordinary sessions were still queued ahead of it.
    assert still_waiting > 0, "the backlog was drained first: rule one waited in the queue"
