"""The event catalogue: every event SpineFit emits, by type, with upcasting of old versions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.events.base import Event, UserEvent
from shared.events.flares import ExerciseRemoved, FlareDetected, RemovalEvidence
from shared.events.painlog import ExerciseDone, MorningContext, PainLogged, SessionDone
from shared.events.plans import PlanGenerated
from shared.events.quiz import QuizCompleted, ReferralReason, UserReferred
from shared.events.tenants import TenantKeyIssued, TenantKeyRevoked

CATALOGUE: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        TenantKeyIssued,
        TenantKeyRevoked,
        QuizCompleted,
        UserReferred,
        PlanGenerated,
        SessionDone,
        PainLogged,
        FlareDetected,
        ExerciseRemoved,
    )
}

PUBLIC_EVENT_TYPES: tuple[str, ...] = tuple(t for t, cls in CATALOGUE.items() if cls.PUBLIC)

# (event_type, from_version) -> function turning that version's dict into the next version's.
# Changes are additive; a breaking change bumps schema_version and registers an upcaster here.
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}


def upcast(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older event dict up to the current schema version, one step at a time."""
    while step := UPCASTERS.get((data.get("event_type", ""), data.get("schema_version", 0))):
        data = step(data)
    return data


__all__ = [
    "CATALOGUE",
    "PUBLIC_EVENT_TYPES",
    "UPCASTERS",
    "Event",
    "ExerciseDone",
    "ExerciseRemoved",
    "FlareDetected",
    "MorningContext",
    "PainLogged",
    "PlanGenerated",
    "QuizCompleted",
    "ReferralReason",
    "RemovalEvidence",
    "SessionDone",
    "TenantKeyIssued",
    "TenantKeyRevoked",
    "UserEvent",
    "UserReferred",
    "upcast",
]
