"""The README's walk-through, as written, against the real system started by the launcher
(`make run`; the `system` fixture of conftest.py): six service processes, Caddy in front, the
real Redis, SQLite files."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import redis
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook
from werkzeug import Request, Response

from shared.messaging.envelope import body_of
from tests.e2e.conftest import ROOT, System, _admin, shooting_pain_session
from tests.support.waiting import scaled

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(480)]


def test_readme_walkthrough_through_the_proxy(system: System, redis_url: str) -> None:
    base = system.base_url
    key = _admin(system, "Riverside Physio")
    with httpx.Client(base_url=base, timeout=scaled(30)) as http:
        questionnaire = http.get("/v1/quiz", headers=key)
        assert questionnaire.status_code == 200
        assert questionnaire.json()["version"]

        clean = json.loads((ROOT / "examples" / "quiz-clean.json").read_text())
        retry = {**key, "Idempotency-Key": "4f1c2b0e-quiz-1"}
        first = http.post("/v1/users/patient-17/quiz", headers=retry, json=clean)
        again = http.post("/v1/users/patient-17/quiz", headers=retry, json=clean)
        assert first.status_code == again.status_code == 202
        assert first.json() == again.json()

        flags = json.loads((ROOT / "examples" / "quiz-red-flags.json").read_text())
        referred = http.post("/v1/users/patient-18/quiz", headers=key, json=flags)
        assert referred.status_code == 200
        assert referred.json()["level"] == "emergency"

        bad = http.post(
            "/v1/users/patient-19/quiz", headers=key, json={"symptoms": {"leg_pain": 14}}
        )
        assert bad.status_code == 422
        assert "symptoms.leg_pain" in {f["field"] for f in bad.json()["errors"]}

        latest = http.get("/v1/users/patient-17/quiz", headers=key)
        assert latest.json()["response_id"] == first.json()["response_id"]
        other = _admin(system, "Another clinic")
        assert http.get("/v1/users/patient-17/quiz", headers=other).status_code == 404

        _plan_session_pain_and_webhooks(http, key, other)

        for name in ("tenants", "quiz", "planner", "painlog", "flare_detector", "notifier"):
            assert http.get(f"/services/{name}/readyz").status_code == 200, name
        docs = http.get("/services/quiz/docs")
        assert "/services/quiz/openapi.json" in docs.text
        assert http.get("/services/quiz/openapi.json").status_code == 200

    # Exactly one quiz-completed for the retried submission, none for the referral (counted
    # by response: other modules drive the same system).
    client = redis.Redis.from_url(redis_url)
    accepted, refer = first.json()["response_id"], referred.json()["response_id"]

    def events(stream: str, response_id: str) -> int:
        entries = client.xrange(f"{system.prefix}{stream}")
        bodies = [json.loads(body_of(fields[b"__data__"])) for _, fields in entries]
        return sum(body.get("response_id") == response_id for body in bodies)

    deadline = time.monotonic() + scaled(10)
    while events("quiz-completed", accepted) < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    assert events("quiz-completed", accepted) == 1
    assert events("quiz-completed", refer) == 0
    assert events("user-referred", refer) == 1


def _eventually(check: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + scaled(timeout)
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout}s")


def _plan_session_pain_and_webhooks(
    http: httpx.Client, key: dict[str, str], other: dict[str, str]
) -> None:
    """Steps 7-10: the plan, a webhook endpoint, rule one through a session, the timeline,
    its chart and the flares, all through the proxy."""

    def plan() -> dict[str, Any] | None:
        response = http.get("/v1/users/patient-17/plan", headers=key)
        return response.json() if response.status_code == 200 else None

    first = _eventually(plan)
    assert first["version"] == 1
    assert "glute-bridge" in {e["id"] for e in first["exercises"]}
    assert first["excluded"] and all(x["reason"] for x in first["excluded"])
    assert http.get("/v1/exercises", headers=key).json()["exercises"]
    assert http.get("/v1/users/patient-17/plan", headers=other).status_code == 404

    received: list[tuple[bytes, dict[str, str]]] = []
    with HTTPServer(host="127.0.0.1", port=0) as receiver:

        def record(request: Request) -> Response:
            received.append((request.get_data(), dict(request.headers)))
            return Response("", status=204)

        receiver.expect_request("/spinefit", method="POST").respond_with_handler(record)
        created = http.post(
            "/v1/webhooks/endpoints",
            headers=key,
            json={
                "url": receiver.url_for("/spinefit"),
                "event_types": ["plan-generated", "exercise-removed"],
            },
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]

        now = datetime.now(UTC).replace(microsecond=0)
        session = shooting_pain_session(now)
        assert (
            http.post("/v1/users/patient-17/sessions", headers=key, json=session).status_code == 202
        )

        def second() -> dict[str, Any] | None:
            current = plan()
            return current if current and current["version"] == 2 else None

        regenerated = _eventually(second)
        assert "glute-bridge" not in {e["id"] for e in regenerated["exercises"]}
        assert "glute-bridge" in {r["id"] for r in regenerated["removed"]}
        versions = http.get("/v1/users/patient-17/plan/versions", headers=key).json()
        assert versions["items"][-1]["trigger"] == "removal"

        # Both events reach the endpoint, signed, thin: no pain level leaves.
        types = lambda: {json.loads(body)["type"] for body, _ in received}  # noqa: E731
        _eventually(lambda: {"exercise-removed", "plan-generated"} <= types())
        for body, headers in received:
            lowered = {k.lower(): v for k, v in headers.items()}
            payload = Webhook(secret).verify(body, lowered)
            assert payload["data"]["user_id"] == "patient-17"
            assert b"shooting" not in body and b"pain_during" not in body

    morning = {
        "log_id": "m-1",
        "observed_at": now.isoformat(),
        "level": 6,
        "context": "next_morning",
        "qualities": ["ache"],
        "locations": ["buttock", "thigh"],
    }
    assert http.post("/v1/users/patient-17/pain", headers=key, json=morning).status_code == 202
    timeline = http.get("/v1/users/patient-17/pain", headers=key)
    assert timeline.status_code == 200
    chart = http.get("/v1/users/patient-17/pain/chart.svg", headers=key)
    assert chart.status_code == 200 and b"<svg" in chart.content
    flares = http.get("/v1/users/patient-17/flares", headers=key)
    assert flares.status_code == 200
