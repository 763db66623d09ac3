"""What makes a report acceptable beyond its schema, and what makes two reports the same.

The schema itself (levels 0-10, known qualities, an `after_exercise` log naming its
exercise) lives with the events in `shared.events.painlog`: the request body is the event's
payload. Here: the checks that need the clock, and the fingerprint that tells a retry
(same `session_id`/`log_id`, same content) from a conflicting reuse of an id.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events.painlog import PainReport, SessionReport


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


def future_problems(
    report: SessionReport | PainReport, now: datetime, allowance: timedelta
) -> list[FieldProblem]:
    """Every event time of `report` later than `now` plus the clock-skew `allowance`.

    Late reports are normal (a morning log sent two days later keeps its `observed_at`);
    reports from the future are not: they would decide windows that have not happened."""
    latest = now + allowance
    message = f"is in the future (later than now + {int(allowance.total_seconds())} s)"
    times: dict[str, datetime] = (
        {"started_at": report.started_at, "completed_at": report.completed_at}
        if isinstance(report, SessionReport)
        else {"observed_at": report.observed_at}
    )
    return [FieldProblem(name, message) for name, value in times.items() if value > latest]


# Sorted keys, no spaces: the same report gives the same text (made once: `json.dumps` with
# options builds an encoder on every call).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
# Values passed through as they are, checked first: nearly every value is one of these.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def fingerprint(report: SessionReport | PainReport) -> str:
    """The same report gives the same fingerprint, whatever the time zones it was sent in."""
    canonical = _CANONICAL.encode(_utc(report.model_dump()))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _utc(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict):
        return {k: _utc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_utc(v) for v in value]
    return value
