"""`built`: the instance `model_construct` would make, for values already validated."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.events.base import built
from shared.events.painlog import PainLogged, PainReport, SessionDone, SessionReport
from tests.factories.painlog import pain_body, session_body

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _envelope() -> dict[str, object]:
    return {
        "event_id": uuid.uuid4(),
        "emitted_at": NOW,
        "correlation_id": "c-1",
        "tenant_id": "tn_1",
        "user_id": "patient-17",
        "occurred_at": NOW,
    }


def test_an_event_built_is_the_event_model_construct_makes() -> None:
    for cls, report in (
        (PainLogged, PainReport.model_validate({**pain_body(NOW), "context": "next_morning"})),
        (SessionDone, SessionReport.model_validate(session_body(NOW))),
    ):
        values = {**report.__dict__, **_envelope()}
        fast, slow = built(cls, **values), cls.model_construct(**values)
        assert type(fast) is cls
        assert fast == slow
        assert fast.model_dump_json() == slow.model_dump_json()
        assert fast.model_fields_set == slow.model_fields_set
        assert fast.urgent == slow.urgent


def test_a_default_factory_left_to_run_falls_back_to_model_construct() -> None:
    report = PainReport.model_validate(pain_body(NOW))
    values = {**report.__dict__, **_envelope()}
    del values["event_id"]  # its default is a factory: model_construct runs it
    event = built(PainLogged, **values)
    assert isinstance(event.event_id, uuid.UUID)
    assert event.model_dump(exclude={"event_id"}) == PainLogged.model_construct(
        **values
    ).model_dump(exclude={"event_id"})
