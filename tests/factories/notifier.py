"""Public events for notifier tests, carrying health data that must never leave by webhook.

Health fields hold distinctive values (pain level 9, baseline 2.5, a note, reasons) so a
test can search the delivered body for them.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.events.base import Event, utc_now
from shared.events.flares import ExerciseRemoved, FlareDetected, RemovalEvidence
from shared.events.plans import PlanGenerated
from shared.events.quiz import ReferralReason, UserReferred

SECRET_NOTE = "private-clinical-note-7731"


def flare_detected(tenant_id: str, user_id: str = "u-1", **kw: Any) -> FlareDetected:
    now = utc_now()
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "flare_id": uuid.uuid4(),
        "log_id": "log-private-1",
        "observed_at": now,
        "level": 9,
        "baseline": 2.5,
        "spread_further": True,
    }
    return FlareDetected(**{**fields, **kw})


def exercise_removed(tenant_id: str, user_id: str = "u-1", **kw: Any) -> ExerciseRemoved:
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "exercise_id": "slump-stretch",
        "rule": "immediate",
        "severity": "confirmed",
        "evidence": RemovalEvidence(
            exposures=4,
            flares_after=3,
            flares_without=0,
            sessions_without=5,
            report_ids=("pain-report-secret",),
            note=SECRET_NOTE,
        ),
        "decided_at": utc_now(),
    }
    return ExerciseRemoved(**{**fields, **kw})


def plan_generated(tenant_id: str, user_id: str = "u-1", **kw: Any) -> PlanGenerated:
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "plan_id": uuid.uuid4(),
        "version": 2,
        "trigger": "removal",
        "exercise_ids": ("glute-bridge", "clamshell"),
        "removed_exercise_ids": ("slump-stretch",),
    }
    return PlanGenerated(**{**fields, **kw})


def user_referred(tenant_id: str, user_id: str = "u-1", **kw: Any) -> UserReferred:
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "response_id": uuid.uuid4(),
        "level": "emergency",
        "reasons": (
            ReferralReason(code="saddle_numbness", level="emergency", message=SECRET_NOTE),
        ),
    }
    return UserReferred(**{**fields, **kw})


def every_public_event(tenant_id: str, user_id: str = "u-1") -> list[Event]:
    return [
        user_referred(tenant_id, user_id),
        plan_generated(tenant_id, user_id),
        flare_detected(tenant_id, user_id),
        exercise_removed(tenant_id, user_id),
    ]
