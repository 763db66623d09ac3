"""What `GET /v1/users/{user_id}/flares` shows: each flare, the sessions whose windows it fell
in, what it was attributed to (or why not), and the exercises that cannot be separated."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.flare_detector.domain.attribution import SessionIndex, links_of, outcomes, tally
from services.flare_detector.domain.decisions import unseparable
from services.flare_detector.domain.flares import classify
from services.flare_detector.domain.history import History, in_time_order
from services.flare_detector.domain.rules import Rules


def describe_flares(
    history: History, rules: Rules, removed: Iterable[tuple[str, str, str]]
) -> dict[str, Any]:
    removed = list(removed)
    delayed = {e for e, rule, _ in removed if rule == "delayed"}
    classes = classify(history, rules)
    mark = history.watermark(rules)
    observations = in_time_order(list(history.observations.values()))
    index = SessionIndex(history, sorted(observations, key=lambda o: (o.at, o.log_id)))
    linked: dict[str, list[dict[str, Any]]] = {}
    for session in history.sessions.values():
        # The same links the attribution judges the session by (SessionIndex.owned_by).
        for link in links_of(session, index.owned_by(session, rules), rules):
            linked.setdefault(link.log_id, []).append(
                {
                    "session_id": session.session_id,
                    "window": link.window.label,
                    "hours_after": round(link.hours_after, 1),
                    "exercises": list(session.exercises),
                }
            )
    flares = []
    for obs in observations:
        c = classes[obs.log_id]
        if not c.flare:
            continue
        sessions = sorted(linked.get(obs.log_id, []), key=lambda s: s["hours_after"])
        suspects = sorted({e for s in sessions for e in s["exercises"]} & delayed)
        flares.append(
            {
                "log_id": obs.log_id,
                "observed_at": obs.at.isoformat(),
                "context": obs.context,
                "level": obs.level,
                "baseline": c.baseline,
                "spread_further": c.spread,
                "new": c.new,
                "confounders": list(c.confounders),
                "after_sessions": sessions,
                "attributed_to": suspects,
                "explanation": _explain(c.new, c.confounders, sessions, suspects, obs.at, mark),
            }
        )
    unseparated: list[dict[str, Any]] = []
    if mark is not None:
        closed = outcomes(history, classes, rules, mark)
        unseparated = unseparable(tally(closed), sorted({e for e, _, _ in removed}), rules)
    return {
        "watermark": mark.isoformat() if mark else None,
        "flares": flares,
        "cannot_be_separated": unseparated,
    }


def _explain(
    new: bool,
    confounders: tuple[str, ...],
    sessions: list[dict[str, Any]],
    suspects: list[str],
    at: Any,
    mark: Any,
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
