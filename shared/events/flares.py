"""Events of the flare detector."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from shared.events import streams
from shared.events.base import Frozen, UserEvent


class FlareDetected(UserEvent):
    """A pain observation that counts as a flare (DOMAIN.md section 4). Thin: ids and levels."""

    TYPE: ClassVar[str] = streams.FLARE_DETECTED
    PUBLIC: ClassVar[bool] = True
    event_type: Literal["flare-detected"] = "flare-detected"
    schema_version: Literal[1] = 1
    flare_id: uuid.UUID
    log_id: str = Field(min_length=1, max_length=128)
    observed_at: AwareDatetime
    level: int = Field(ge=0, le=10)
    baseline: float = Field(ge=0, le=10)
    spread_further: bool = False


class RemovalEvidence(Frozen):
    """Why an exercise was removed: enough for a clinician to check the decision.

    Counts are sessions (exposures) in the lookback whose lag windows had closed; a flare
    "after" a session is a new flare in one of its windows. For the delayed rule, `statistic`
    is the test that fired, `value` its p-value, `threshold` the level it had to reach, and
    `margin` the least difference of flare rates with and without the exercise; sessions
    with an exercise in `set_aside_with` (blamed before) were left out. For rule one,
    `report_ids` are the reports that fired it."""

    exposures: int = Field(ge=0)
    flares_after: int = Field(ge=0)
    flares_without: int = Field(ge=0)
    sessions_without: int = Field(ge=0)
    windows: tuple[str, ...] = ()
    statistic: str | None = None
    value: float | None = None
    threshold: float | None = None
    report_ids: tuple[str, ...] = ()
    note: str | None = Field(default=None, max_length=500)
    # Added (additive, optional) with the flare detector's issue.
    confounded_after: int = Field(default=0, ge=0)
    rate_with: float | None = Field(default=None, ge=0, le=1)
    rate_without: float | None = Field(default=None, ge=0, le=1)
    margin: float | None = None
    min_flares: int | None = None
    set_aside_with: tuple[str, ...] = ()
    lookback_days: float | None = None
    checkpoint: AwareDatetime | None = None
    # Added (additive, optional) when rest mornings joined the control: the rate without
    # counts `sessions_without` sessions and `rest_mornings` mornings with no session in the
    # windows before them; `posterior_share` is the exercise's share of the posterior against
    # every other exercise and none, which had to reach `min_share`.
    rest_mornings: int = Field(default=0, ge=0)
    rest_flares: int = Field(default=0, ge=0)
    posterior_share: float | None = Field(default=None, ge=0, le=1)
    min_share: float | None = Field(default=None, ge=0, le=1)
    min_sessions_without: int | None = Field(default=None, ge=0)


class ExerciseRemoved(UserEvent):
    TYPE: ClassVar[str] = streams.EXERCISE_REMOVED
    PUBLIC: ClassVar[bool] = True
    event_type: Literal["exercise-removed"] = "exercise-removed"
    schema_version: Literal[1] = 1
    exercise_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")
    rule: Literal["immediate", "delayed"]
    severity: Literal["suspected", "confirmed"]
    evidence: RemovalEvidence
    decided_at: AwareDatetime

    @property
    def urgent(self) -> bool:
        """Rule one: the planner reads these on the priority lane, ahead of delayed ones."""
        return self.rule == "immediate"
