"""The event catalogue: envelope, immutability, strictness, and the published AsyncAPI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.events import CATALOGUE, PUBLIC_EVENT_TYPES, UPCASTERS, upcast
from shared.events.asyncapi import CONSUMED_BY, EMITTED_BY, build_asyncapi
from shared.events.painlog import PainLogged
from shared.events.streams import dlq_name, stream_name

ROOT = Path(__file__).resolve().parents[3]
ENVELOPE = {
    "event_id",
    "event_type",
    "schema_version",
    "tenant_id",
    "user_id",
    "occurred_at",
    "emitted_at",
    "correlation_id",
}


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_every_event_has_the_envelope_and_is_frozen_and_strict(event_type: str) -> None:
    cls = CATALOGUE[event_type]
    assert set(cls.model_fields) >= ENVELOPE
    assert cls.model_config["frozen"] is True
    assert cls.model_config["extra"] == "forbid"
    assert cls.model_fields["event_type"].default == event_type == cls.TYPE


def test_events_refuse_unknown_fields_and_cannot_change() -> None:
    event = PainLogged(
        tenant_id="tn_1",
        user_id="u1",
        log_id="l1",
        observed_at="2026-11-20T07:00:00Z",
        level=3,
        context="next_morning",
    )
    with pytest.raises(ValidationError):
        PainLogged.model_validate({**event.model_dump(), "note": "my leg hurts"})
    with pytest.raises(ValidationError):
        event.level = 9  # type: ignore[misc]
    assert PainLogged.model_validate_json(event.model_dump_json()) == event


def test_every_event_has_a_producer_and_public_events_reach_the_notifier() -> None:
    assert set(EMITTED_BY) == set(CATALOGUE)
    assert set(PUBLIC_EVENT_TYPES) == {
        "user-referred",
        "plan-generated",
        "flare-detected",
        "exercise-removed",
    }
    for event_type in PUBLIC_EVENT_TYPES:
        assert "notifier" in CONSUMED_BY[event_type]


def test_stream_names_are_the_event_types_with_a_dead_letter_stream_beside() -> None:
    assert stream_name("prod:", "quiz-completed") == "prod:quiz-completed"
    assert dlq_name("prod:quiz-completed") == "prod:quiz-completed.dlq"


def test_an_old_event_version_is_upcast_step_by_step(monkeypatch: pytest.MonkeyPatch) -> None:
    def v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
        renamed = {k: v for k, v in data.items() if k != "kind"}
        return {**renamed, "schema_version": 1, "context": data["kind"]}

    monkeypatch.setitem(UPCASTERS, ("pain-logged", 0), v0_to_v1)
    old = {"event_type": "pain-logged", "schema_version": 0, "kind": "other", "level": 2}
    assert upcast(old) == {
        "event_type": "pain-logged",
        "schema_version": 1,
        "context": "other",
        "level": 2,
    }


def test_committed_asyncapi_document_matches_the_code() -> None:
    committed = json.loads((ROOT / "docs" / "asyncapi.json").read_text())
    assert committed == json.loads(json.dumps(build_asyncapi())), "run `make asyncapi`"


def test_pain_and_session_events_refuse_what_the_detector_cannot_use() -> None:
    from shared.events.painlog import SessionDone

    with pytest.raises(ValidationError, match="exercise_id"):
        PainLogged(
            tenant_id="tn_1",
            user_id="u1",
            log_id="l1",
            observed_at="2026-11-20T07:00:00Z",
            level=3,
            context="after_exercise",
        )
    with pytest.raises(ValidationError, match="before started_at"):
        SessionDone(
            tenant_id="tn_1",
            user_id="u1",
            session_id="s1",
            started_at="2026-11-20T08:00:00Z",
            completed_at="2026-11-20T07:00:00Z",
            exercises=[{"exercise_id": "glute-bridge", "sets": 2, "reps": 10, "pain_during": 1}],
        )
