"""What `GET /v1/users/{user_id}/flares` shows: each flare, the sessions whose windows it fell
in, what it was attributed to (or why not), and the exercises that cannot be separated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.flare_detector.domain.attribution import SessionIndex, links_of, outcomes
from services.flare_detector.domain.exercise_evidence import tally
from services.flare_detector.domain.flares import classify
from services.flare_detector.domain.history import History
from services.flare_detector.domain.records import in_time_order
from services.flare_detector.domain.rules import Rules
from services.flare_detector.domain.separation import Unseparable, unseparable


@dataclass(frozen=True, slots=True)
class SessionBefore:
    """A session in whose window a flare fell."""

    session_id: str
    window: str
    hours_after: float
    exercises: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FlareReport:
    log_id: str
    observed_at: datetime
    context: str
    level: int
    baseline: float
    spread_further: bool
    new: bool
    confounders: tuple[str, ...]
    after_sessions: tuple[SessionBefore, ...]
    attributed_to: tuple[str, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class FlaresReport:
    """Every kept flare in event time (by (observed_at, log_id)), and the exercises that
    cannot be separated."""

    watermark: datetime | None
    flares: list[FlareReport]
    cannot_be_separated: list[Unseparable]


def describe_flares(
    history: History, rules: Rules, removed: Iterable[tuple[str, str, str]]
) -> FlaresReport:
    removed = list(removed)
    delayed = {e for e, rule, _ in removed if rule == "delayed"}
    classes = classify(history, rules)
    mark = history.watermark(rules)
    observations = in_time_order(list(history.observations.values()))
    index = SessionIndex(history, sorted(observations, key=lambda o: (o.at, o.log_id)))
    linked: dict[str, list[SessionBefore]] = {}
    for session in history.sessions.values():
        # The same links the attribution judges the session by (SessionIndex.owned_by).
        for link in links_of(session, index.owned_by(session, rules), rules):
            linked.setdefault(link.log_id, []).append(
                SessionBefore(
                    session.session_id,
                    link.window.label,
                    round(link.hours_after, 1),
                    session.exercises,
                )
            )
    flares = []
    for obs in observations:
        c = classes[obs.log_id]
        if not c.flare:
            continue
        sessions = sorted(linked.get(obs.log_id, []), key=lambda s: s.hours_after)
        suspects = sorted({e for s in sessions for e in s.exercises} & delayed)
        flares.append(
            FlareReport(
                log_id=obs.log_id,
                observed_at=obs.at,
                context=obs.context,
                level=obs.level,
                baseline=c.baseline,
                spread_further=c.spread,
                new=c.new,
                confounders=c.confounders,
                after_sessions=tuple(sessions),
                attributed_to=tuple(suspects),
                explanation=_explain(c.new, c.confounders, sessions, suspects, obs.at, mark),
            )
        )
    unseparated: list[Unseparable] = []
    if mark is not None:
        closed = outcomes(history, classes, rules, mark)
        unseparated = unseparable(tally(closed), sorted({e for e, _, _ in removed}), rules)
    return FlaresReport(mark, flares, unseparated)


def _explain(
    new: bool,
    confounders: tuple[str, ...],
    sessions: list[SessionBefore],
    suspects: list[str],
    at: datetime,
    mark: datetime | None,
) -> str:
    if not new:
        return "part of an ongoing flare: not new evidence"
    if confounders:
        return "may be explained by " + ", ".join(confounders) + " the day before"
    if suspects:
        return "attributed to " + ", ".join(suspects)
    if not sessions:
        return "no session in the windows before it"
    if mark is None or at >= mark:
        return "not decided yet: later reports may still arrive"
    return "unexplained: no exercise consistently precedes flares"
