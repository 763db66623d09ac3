"""Linking sessions to the flares in fixed windows after them, and the evidence per exercise.

A session's outcome, once its windows have closed:
- `flare`: a new, unconfounded flare in one of its windows;
- `confounded`: only new flares that the morning log explains (lifting, sitting, stress);
- `in_flare`: only flares continuing an episode that was already going on (no evidence);
- `calm`: pain was reported in its windows and none of it was a flare;
- `unobserved`: nothing was reported in its windows (no evidence either way).

Evidence for exercise `e`, among informative sessions (flare, confounded, calm) that contain
none of the exercises in `set_aside` (exercises already blamed: their flares are explained):
exposures and flares after it (a confounded flare counts as an exposure without a flare, so a
confounder weighs against blaming `e`), and sessions and flares without it (there a confounded
flare still counts as a flare: a confounder never makes an exercise look worse).
The statistic is a one-sided Fisher exact test: the probability of at least this many of the
flares falling after sessions with `e` if `e` made no difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import comb

from services.flare_detector.domain.history import History, Observation, Session, Settled
from services.flare_detector.domain.rules import Rules, Window

INFORMATIVE = ("flare", "confounded", "calm")


@dataclass(frozen=True)
class Link:
    """An observation in one of a session's windows."""

    log_id: str
    window: Window
    hours_after: float


@dataclass(frozen=True)
class SessionOutcome:
    session: Session
    outcome: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Evidence:
    exercise_id: str
    exposures: int
    flares_after: int
    confounded_after: int
    sessions_without: int
    flares_without: int
    p_value: float
    set_aside: tuple[str, ...]

    @property
    def rate_with(self) -> float:
        return self.flares_after / self.exposures if self.exposures else 0.0

    @property
    def rate_without(self) -> float:
        return self.flares_without / self.sessions_without if self.sessions_without else 0.0

    @property
    def difference(self) -> float:
        return self.rate_with - self.rate_without


def links_of(session: Session, observations: Sequence[Observation], rules: Rules) -> list[Link]:
    """Observations (in time order) in the session's windows. Of the morning logs, only the
    first one at least the first window's start after the session counts: it is the session's
    "next morning"; a second morning inside 36 h belongs to the next day."""
    found = []
    first_start = timedelta(hours=min(w.start_h for w in rules.windows))
    morning_seen = False
    for obs in observations:
        lag = obs.at - session.at
        if obs.context == "next_morning" and lag >= first_start:
            if morning_seen:
                continue
            morning_seen = True
        for window in rules.windows:
            if timedelta(hours=window.start_h) <= lag < timedelta(hours=window.end_h):
                found.append(Link(obs.log_id, window, lag.total_seconds() / 3600))
    return found


def outcomes(
    history: History, classes: dict[str, Settled], rules: Rules, checkpoint: datetime
) -> list[SessionOutcome]:
    """Outcomes of the sessions whose windows closed by `checkpoint`, within the lookback."""
    start = checkpoint - timedelta(days=rules.lookback_days)
    end = rules.window_end
    sessions = [s for s in history.sessions.values() if s.at >= start and s.at + end <= checkpoint]
    observations = sorted(
        (o for o in history.observations.values() if o.at < checkpoint), key=lambda o: o.at
    )
    result = []
    for session in sorted(sessions, key=lambda s: (s.at, s.session_id)):
        nearby = [o for o in observations if session.at < o.at < session.at + end]
        links = links_of(session, nearby, rules)
        result.append(SessionOutcome(session, outcome_of(links, classes), tuple(links)))
    return result


def outcome_of(links: Iterable[Link], classes: dict[str, Settled]) -> str:
    found = [classes[link.log_id] for link in links]
    if not found:
        return "unobserved"
    new = [c for c in found if c.flare and c.new]
    if any(not c.confounders for c in new):
        return "flare"
    if new:
        return "confounded"
    if any(c.flare for c in found):
        return "in_flare"
    return "calm"


def evidence(
    exercise_id: str,
    sessions: Sequence[SessionOutcome],
    set_aside: Iterable[str] = (),
) -> Evidence:
    aside = tuple(sorted(set(set_aside) - {exercise_id}))
    pool = [
        s
        for s in sessions
        if s.outcome in INFORMATIVE and not set(aside).intersection(s.session.exercises)
    ]
    with_e = [s for s in pool if exercise_id in s.session.exercises]
    without = [s for s in pool if exercise_id not in s.session.exercises]
    flares_after = sum(s.outcome == "flare" for s in with_e)
    flares_without = sum(s.outcome in ("flare", "confounded") for s in without)
    return Evidence(
        exercise_id=exercise_id,
        exposures=len(with_e),
        flares_after=flares_after,
        confounded_after=sum(s.outcome == "confounded" for s in with_e),
        sessions_without=len(without),
        flares_without=flares_without,
        p_value=fisher_one_sided(flares_after, len(with_e), flares_without, len(without)),
        set_aside=aside,
    )


def fisher_one_sided(k_with: int, n_with: int, k_without: int, n_without: int) -> float:
    """P(at least `k_with` of all the flares fall in the `n_with` exposed sessions) when the
    flares are spread over the sessions regardless of exposure (hypergeometric tail)."""
    total, flares = n_with + n_without, k_with + k_without
    if n_with == 0 or flares == 0:
        return 1.0
    denominator = comb(total, n_with)
    tail = sum(
        comb(flares, x) * comb(total - flares, n_with - x)
        for x in range(k_with, min(flares, n_with) + 1)
    )
    return tail / denominator
