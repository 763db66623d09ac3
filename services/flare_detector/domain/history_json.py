"""A user's `History` as the JSON value the store keeps (one row per user), and back.

A history is loaded, one event applied, and saved again: nearly every record and unit comes
back unchanged. So `load_history` remembers the stored form of what it built (in
`History.stored`, by object identity) and `dump_history` reuses it for every object still
the same one, formatting only what the event changed. Records and units are frozen, so an
object that is still there is still what was loaded.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from services.flare_detector.domain.history import (
    Decision,
    ExerciseReport,
    History,
    Observation,
    QuizSeed,
    Session,
    SessionOutcome,
    Settled,
    as_values,
)


def dump_history(history: History) -> dict[str, Any]:
    stored = history.stored

    def reuse(obj: Any, make: Any) -> Any:
        kept = stored.get(id(obj))
        return kept[1] if kept is not None and kept[0] is obj else make(obj)

    return {
        "sessions": [reuse(s, as_values) for s in history.sessions.values()],
        "observations": [reuse(o, as_values) for o in history.observations.values()],
        "quizzes": [as_values(q) for q in history.quizzes.values()],
        "latest": _iso(history.latest),
        "last_checkpoint": _iso(history.last_checkpoint),
        "settled": {k: reuse(v, _dump_settled) for k, v in history.settled.items()},
        "replay": [{**asdict(d), "at": d.at.isoformat()} for d in history.replay],
        "units": [reuse(u, _dump_unit) for u in history.units.values()],
    }


def load_history(data: dict[str, Any] | None) -> History:
    if not data:
        return History()
    stored: dict[int, tuple[Any, Any]] = {}

    def keep(obj: Any, raw: Any) -> Any:
        stored[id(obj)] = (obj, raw)
        return obj

    sessions = [keep(_load_session(s), s) for s in data["sessions"]]
    observations = [keep(_load_observation(o), o) for o in data["observations"]]
    quizzes = [
        QuizSeed(q["response_id"], datetime.fromisoformat(q["occurred_at"]), q["pain"], q["extent"])
        for q in data["quizzes"]
    ]
    # A row written before units existed has none: `close_units` judges them again.
    units = [keep(_load_unit(u), u) for u in data.get("units", [])]
    return History(
        sessions={s.session_id: s for s in sessions},
        observations={o.log_id: o for o in observations},
        quizzes={q.response_id: q for q in quizzes},
        latest=_parse(data["latest"]),
        last_checkpoint=_parse(data["last_checkpoint"]),
        settled={k: keep(_load_settled(v), v) for k, v in data["settled"].items()},
        replay=[Decision(**{**d, "at": datetime.fromisoformat(d["at"])}) for d in data["replay"]],
        units={u.session.session_id: u for u in units},
        stored=stored,
    )


def _dump_settled(v: Settled) -> dict[str, Any]:
    return {
        "flare": v.flare,
        "baseline": v.baseline,
        "spread": v.spread,
        "new": v.new,
        "confounders": list(v.confounders),
    }


def _load_settled(v: dict[str, Any]) -> Settled:
    return Settled(v["flare"], v["baseline"], v["spread"], v["new"], tuple(v["confounders"]))


def _dump_unit(u: SessionOutcome) -> list[Any]:
    s = u.session
    return [s.session_id, s.at.isoformat(), list(s.exercises), u.outcome, u.rest]


def _load_unit(data: list[Any]) -> SessionOutcome:
    key, at, exercises, outcome, rest = data
    when = datetime.fromisoformat(at)
    return SessionOutcome(Session(key, when, when, tuple(exercises)), outcome, (), rest)


def _load_session(data: dict[str, Any]) -> Session:
    return Session(
        session_id=data["session_id"],
        started_at=datetime.fromisoformat(data["started_at"]),
        completed_at=datetime.fromisoformat(data["completed_at"]),
        exercises=tuple(data["exercises"]),
        reports=tuple(
            ExerciseReport(r["exercise_id"], tuple(r["qualities"]), tuple(r["locations"]))
            for r in data["reports"]
        ),
    )


def _load_observation(o: dict[str, Any]) -> Observation:
    return Observation(
        o["log_id"],
        datetime.fromisoformat(o["observed_at"]),
        o["level"],
        o["context"],
        o["exercise_id"],
        o["session_id"],
        tuple(o["qualities"]),
        tuple(o["locations"]),
        o["hours_sat"],
        o["heavy_lifting"],
        o["stress"],
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
