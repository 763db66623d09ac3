"""What the flare detector answers, as pydantic models: the one home of its response schemas
(the OpenAPI document's), and how a read's typed results become them."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.flare_detector.domain.report import FlareReport, SessionBefore
from services.flare_detector.domain.separation import Unseparable
from services.flare_detector.reads import UserFlares, flare_key
from services.flare_detector.store import StoredRemoval
from shared.events.flares import RemovalEvidence
from shared.http.pagination import Page, page_of

# The list a flares cursor belongs to (with its user, as the timeline's).
FLARES_SCOPE = "flare_detector.flares"


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class SessionBeforeView(_View):
    """A session in whose lag window the flare fell."""

    session_id: str
    window: str = Field(description="The window's label (`during`, `next_morning`, ...)")
    hours_after: float
    exercises: list[str]


class FlareView(_View):
    log_id: str
    observed_at: datetime
    context: str
    level: int
    baseline: float
    spread_further: bool
    new: bool = Field(description="False for a flare continuing an episode already going on")
    confounders: list[str]
    after_sessions: list[SessionBeforeView]
    attributed_to: list[str]
    explanation: str


class RemovalView(_View):
    exercise_id: str
    rule: Literal["immediate", "delayed"]
    severity: Literal["suspected", "confirmed"]
    decided_at: datetime
    evidence: RemovalEvidence


class UnseparableView(_View):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    exercise_id: str
    reason: str
    together: list[str] = Field(
        alias="with", description="The blamed exercises it was always done with"
    )


class FlaresPage(Page[FlareView]):
    """One page of a user's flares in event time (by `observed_at`, then `log_id`), with what
    the whole history says beside them (on every page): the watermark (reports earlier than
    it are judged), the removals with their evidence and the exercises that cannot be
    separated."""

    user_id: str
    watermark: datetime | None
    removals: list[RemovalView]
    cannot_be_separated: list[UnseparableView]


def flares_scope(user_id: str) -> str:
    """The list's name with its user's (hashed: a cursor of a long id stays well within the
    cursor's bound, whatever its last item's id)."""
    return f"{FLARES_SCOPE}:{hashlib.sha256(user_id.encode()).hexdigest()[:16]}"


def _session(s: SessionBefore) -> SessionBeforeView:
    return SessionBeforeView(
        session_id=s.session_id,
        window=s.window,
        hours_after=s.hours_after,
        exercises=list(s.exercises),
    )


def _flare(f: FlareReport) -> FlareView:
    return FlareView(
        log_id=f.log_id,
        observed_at=f.observed_at,
        context=f.context,
        level=f.level,
        baseline=f.baseline,
        spread_further=f.spread_further,
        new=f.new,
        confounders=list(f.confounders),
        after_sessions=[_session(s) for s in f.after_sessions],
        attributed_to=list(f.attributed_to),
        explanation=f.explanation,
    )


def _removal(r: StoredRemoval) -> RemovalView:
    return RemovalView(
        exercise_id=r.exercise_id,
        rule=r.rule,  # type: ignore[arg-type]
        severity=r.severity,  # type: ignore[arg-type]
        decided_at=r.decided_at,
        evidence=RemovalEvidence.model_validate(r.evidence, from_attributes=True),
    )


def _unseparable(u: Unseparable) -> UnseparableView:
    return UnseparableView(exercise_id=u.exercise_id, reason=u.reason, together=list(u.together))


def flares_page(found: UserFlares, limit: int, tenant_id: str) -> FlaresPage:
    page = page_of(found.flares, limit, flares_scope(found.user_id), tenant_id, flare_key)
    return FlaresPage(
        items=[_flare(f) for f in page.items],
        next_cursor=page.next_cursor,
        user_id=found.user_id,
        watermark=found.watermark,
        removals=[_removal(r) for r in found.removals],
        cannot_be_separated=[_unseparable(u) for u in found.cannot_be_separated],
    )
