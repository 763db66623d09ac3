"""The plan as a client reads it: enough to show each exercise without a second call."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.planner import views
from services.planner.domain.generator import generate_plan
from tests.factories.planner import SUBACUTE, answers, decision, library


def test_a_planned_exercise_says_what_how_how_much_and_when() -> None:
    lib = library()
    plan = generate_plan(answers(SUBACUTE), [decision("clamshell")], lib)
    now = datetime(2026, 11, 25, tzinfo=UTC)
    user = {"user_id": "u1", "paused_at": None, "paused_level": None}
    row = {
        "plan_id": uuid.uuid4(),
        "version": 2,
        "trigger": "removal",
        "created_at": now,
        "plan": plan.model_dump(mode="json"),
    }
    removals = [{"exercise_id": "clamshell", "evidence": {"exposures": 3}, "decided_at": now}]
    body = views.plan_view(user, row, removals, lib)
    assert body["days"] == ["mon", "wed", "fri"]
    for planned in body["exercises"]:
        ex = lib.by_id[planned["id"]]
        assert planned["name"] == ex.name
        assert planned["instructions"] == ex.instructions
        assert planned["equipment"] == list(ex.equipment)
        assert planned["days"] == body["days"]
        assert planned["dose"]["sets"] >= 1 and "rest_s" in planned["dose"]
        assert planned["why"]
    (removed,) = body["removed"]
    assert removed["id"] == "clamshell" and removed["evidence"] == {"exposures": 3}
    assert removed["reason"].startswith("removed for you")
