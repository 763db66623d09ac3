"""Reports: the schema names the field at fault, the clock check refuses the future and
accepts the late, and the fingerprint tells a retry from a reused id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.painlog.domain.reports import fingerprint, future_problems
from shared.events.painlog import PainReport, SessionReport
from tests.factories.painlog import pain_body, session_body

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SKEW = timedelta(minutes=5)


def bad_fields(model: type[Any], body: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    return {".".join(str(p) for p in e["loc"]) for e in caught.value.errors()}


def test_session_errors_name_the_exercise_field_at_fault() -> None:
    body = session_body(NOW)
    body["exercises"][0]["pain_during"] = 11
    body["exercises"][1]["reps"] = 8  # and hold_s: both given
    assert bad_fields(SessionReport, body) == {"exercises.0.pain_during", "exercises.1.hold_s"}
    neither = session_body(NOW)
    del neither["exercises"][0]["reps"]
    assert bad_fields(SessionReport, neither) == {"exercises.0.hold_s"}


def test_session_ending_before_it_starts_names_completed_at() -> None:
    body = session_body(NOW, started_at=(NOW + timedelta(hours=1)).isoformat())
    assert bad_fields(SessionReport, body) == {"completed_at"}


def test_pain_errors_name_level_quality_and_missing_exercise() -> None:
    body = pain_body(NOW, level=-1, qualities=["ache", "stabbing"], context="after_exercise")
    assert bad_fields(PainReport, body) == {"level", "qualities.1", "exercise_id"}
    assert bad_fields(PainReport, pain_body(NOW, locations=["elbow"])) == {"locations.0"}
    assert bad_fields(PainReport, {**pain_body(NOW), "note": "x"}) == {"note"}
    naive = pain_body(NOW, observed_at="2026-11-24T08:00:00")
    assert bad_fields(PainReport, naive) == {"observed_at"}


def test_after_exercise_log_with_its_exercise_is_valid() -> None:
    report = PainReport.model_validate(
        pain_body(NOW, context="after_exercise", exercise_id="glute-bridge", session_id="s1")
    )
    assert report.exercise_id == "glute-bridge"


def test_future_observation_is_refused_beyond_the_clock_allowance() -> None:
    soon = PainReport.model_validate(pain_body(NOW + SKEW - timedelta(seconds=1)))
    later = PainReport.model_validate(pain_body(NOW + SKEW + timedelta(seconds=1)))
    assert future_problems(soon, NOW, SKEW) == []
    assert [p.field for p in future_problems(later, NOW, SKEW)] == ["observed_at"]


def test_late_morning_log_is_accepted() -> None:
    two_days_late = PainReport.model_validate(
        pain_body(NOW - timedelta(days=2), context="next_morning")
    )
    assert future_problems(two_days_late, NOW, SKEW) == []


def test_future_session_names_each_future_time() -> None:
    ends_later = SessionReport.model_validate(session_body(NOW + timedelta(minutes=20)))
    assert [p.field for p in future_problems(ends_later, NOW, SKEW)] == ["completed_at"]
    all_later = SessionReport.model_validate(session_body(NOW + timedelta(hours=2)))
    assert [p.field for p in future_problems(all_later, NOW, SKEW)] == [
        "started_at",
        "completed_at",
    ]


@settings(max_examples=25, deadline=None)
@given(offset_minutes=st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_the_same_report_in_another_time_zone_has_the_same_fingerprint(
    offset_minutes: int,
) -> None:
    zone = timezone(timedelta(minutes=offset_minutes))
    body = session_body(NOW)
    shifted = {
        **body,
        "started_at": (NOW - timedelta(minutes=30)).astimezone(zone).isoformat(),
        "completed_at": NOW.astimezone(zone).isoformat(),
    }
    assert fingerprint(SessionReport.model_validate(body)) == fingerprint(
        SessionReport.model_validate(shifted)
    )


def test_a_different_report_has_a_different_fingerprint() -> None:
    body = pain_body(NOW)
    assert fingerprint(PainReport.model_validate(body)) != fingerprint(
        PainReport.model_validate({**body, "level": body["level"] + 1})
    )


def test_fingerprints_stay_what_they_were_when_stored() -> None:
    """Stored fingerprints decide later retries: how one is computed may change, its value
    never (these were computed before any such change)."""
    pain = {
        "log_id": "pin-1",
        "observed_at": "2026-11-24T04:00:00-05:00",
        "level": 3,
        "context": "other",
        "qualities": ["ache"],
        "locations": ["buttock", "thigh"],
        "morning": {"hours_sat": 5, "heavy_lifting": True, "sleep_hours": 6.5, "stress": 2},
    }
    # The factory's session as it was pinned (a change to the factory changes this value).
    session = session_body(NOW, session_id="s-b62c718f87")
    assert fingerprint(PainReport.model_validate(pain)) == (
        "763ee6ddc0e07117086cf1d9219b510105715f9e94f5910c780536c4ee779d36"
    )
    assert fingerprint(SessionReport.model_validate(session)) == (
        "102bc28e8a2cafe838b3755510a9b098c5081fca185db5e1612ee7e9fdbfd4c7"
    )
