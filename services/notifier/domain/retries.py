"""What follows one delivery attempt: done, retry later (when), give up, or disable.

Only a 2xx answer is a success. 410 Gone means the receiver asked to stop: the endpoint is
disabled at once. Anything else (another status, a timeout, a refused address, a redirect,
which is never followed) is retried on the schedule, with jitter, until it runs out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"  # the schedule ran out
    GONE = "gone"  # 410: the endpoint is disabled


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    latency_ms: int
    error: str | None = None  # timeout, connect_error, address_refused, ...

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class NextStep:
    outcome: Outcome
    next_attempt_at: datetime | None = None


def retry_delay_s(
    failed_attempts: int, schedule: Sequence[float], jitter: float, unit_random: float
) -> float | None:
    """Seconds to wait after the `failed_attempts`-th failure, or None when no try is left.
    `unit_random` in [0, 1) spreads the delay by +/- `jitter` of itself."""
    if failed_attempts < 1 or failed_attempts > len(schedule):
        return None
    base = schedule[failed_attempts - 1]
    return max(0.0, base * (1 + jitter * (2 * unit_random - 1)))


def next_step(
    result: AttemptResult,
    *,
    attempts_made: int,
    now: datetime,
    schedule: Sequence[float],
    jitter: float,
    unit_random: float,
) -> NextStep:
    """`attempts_made` counts this attempt too."""
    if result.succeeded:
        return NextStep(Outcome.SUCCEEDED)
    if result.status_code == 410:
        return NextStep(Outcome.GONE)
    delay = retry_delay_s(attempts_made, schedule, jitter, unit_random)
    if delay is None:
        return NextStep(Outcome.FAILED)
    return NextStep(Outcome.RETRY, now + timedelta(seconds=delay))


def should_disable(failing_since: datetime | None, now: datetime, disable_after_s: float) -> bool:
    """An endpoint whose every attempt has failed since `failing_since` for long enough."""
    return failing_since is not None and (now - failing_since).total_seconds() >= disable_after_s


def delivery_status(outcome: Outcome) -> str:
    """The delivery's status after an attempt with this outcome."""
    if outcome is Outcome.SUCCEEDED:
        return "succeeded"
    return "pending" if outcome is Outcome.RETRY else "failed"
