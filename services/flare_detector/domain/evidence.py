"""Why an exercise was removed, as the decision that removed it records it (DOMAIN.md
section 4): enough for a clinician to check the decision. The same fields as the
`exercise-removed` event's `RemovalEvidence` (shared.events.flares), which documents them;
this is its domain form, built once per decision and carried by the history's replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DecisionEvidence:
    exposures: int
    flares_after: int
    flares_without: int
    sessions_without: int
    windows: tuple[str, ...] = ()
    statistic: str | None = None
    value: float | None = None
    threshold: float | None = None
    report_ids: tuple[str, ...] = ()
    note: str | None = None
    confounded_after: int = 0
    rate_with: float | None = None
    rate_without: float | None = None
    margin: float | None = None
    min_flares: int | None = None
    set_aside_with: tuple[str, ...] = ()
    lookback_days: float | None = None
    checkpoint: datetime | None = None
    rest_mornings: int = 0
    rest_flares: int = 0
    posterior_share: float | None = None
    min_share: float | None = None
    min_sessions_without: int | None = None
