"""What follows an attempt: success, retry on the schedule with jitter, give up, disable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.notifier.domain.retries import (
    AttemptResult,
    Outcome,
    next_step,
    retry_delay_s,
    should_disable,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
SCHEDULE = [5.0, 300.0, 1800.0]


def step(status: int | None, attempts_made: int, error: str | None = None) -> Outcome:
    result = AttemptResult(status_code=status, latency_ms=3, error=error)
    return next_step(
        result,
        attempts_made=attempts_made,
        now=NOW,
        schedule=SCHEDULE,
        jitter=0.2,
        unit_random=0.5,
    ).outcome


def test_only_2xx_is_success() -> None:
    assert step(200, 1) is Outcome.SUCCEEDED
    assert step(204, 1) is Outcome.SUCCEEDED
    for status in (199, 301, 302, 400, 404, 429, 500, 503):
        assert step(status, 1) is Outcome.RETRY
    assert step(None, 1, "timeout") is Outcome.RETRY


def test_410_gives_up_at_once() -> None:
    assert step(410, 1) is Outcome.GONE


def test_the_schedule_runs_out_after_one_attempt_more_than_its_delays() -> None:
    assert step(500, len(SCHEDULE)) is Outcome.RETRY
    assert step(500, len(SCHEDULE) + 1) is Outcome.FAILED


def test_next_attempt_follows_the_schedule() -> None:
    result = AttemptResult(status_code=500, latency_ms=1)
    second = next_step(
        result, attempts_made=2, now=NOW, schedule=SCHEDULE, jitter=0.2, unit_random=0.5
    )
    assert second.next_attempt_at == NOW + timedelta(seconds=300)


@settings(max_examples=60, deadline=None)
@given(
    failed=st.integers(min_value=1, max_value=3),
    jitter=st.floats(min_value=0, max_value=0.9),
    unit=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_jitter_stays_within_its_fraction(failed: int, jitter: float, unit: float) -> None:
    delay = retry_delay_s(failed, SCHEDULE, jitter, unit)
    base = SCHEDULE[failed - 1]
    assert delay is not None
    assert base * (1 - jitter) - 1e-9 <= delay <= base * (1 + jitter) + 1e-9


def test_default_schedule_spans_about_a_day() -> None:
    from services.notifier.settings import DEFAULT_SCHEDULE_S

    assert 20 * 3600 <= sum(DEFAULT_SCHEDULE_S) <= 30 * 3600


def test_endpoint_is_disabled_only_after_failing_for_the_whole_period() -> None:
    assert not should_disable(None, NOW, 60)
    assert not should_disable(NOW - timedelta(seconds=59), NOW, 60)
    assert should_disable(NOW - timedelta(seconds=60), NOW, 60)
