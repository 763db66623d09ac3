"""A user's `History` as the JSON value the store keeps (one row per user), and back.

Records, classes and units are stored as positional lists (a row read and written per event:
no key names repeated per record), and a unit as its key and outcome only (its time and
exercises are its session's, or its morning's: a unit is kept only while that record is, and
a record replaced by another version drops its unit, `History.forget_after`). Rows written
in the older forms (one object per record, units with their time) still load.

A history is loaded, one event applied, and saved again: nearly every record and unit comes
back unchanged. So `load_history` remembers the stored form of what it built (in
`History.stored`, by object identity) and `dump_history` reuses it for every object still
the same one, formatting only what the event changed. Records and units are frozen, so an
object that is still there is still what was loaded.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from services.flare_detector.domain.evidence import DecisionEvidence
from services.flare_detector.domain.history import Decision, History, SessionOutcome, Settled
from services.flare_detector.domain.parts_json import dump_parts, load_parts
from services.flare_detector.domain.records import (
    ExerciseReport,
    Observation,
    QuizSeed,
    Session,
    as_values,
)


def dump_history(history: History) -> dict[str, Any]:
    stored = history.stored

    def reuse(obj: Any, make: Any) -> Any:
        kept = stored.get(id(obj))
        return kept[1] if kept is not None and kept[0] is obj else make(obj)

    return {
        "sessions": [reuse(s, _dump_session) for s in history.sessions.values()],
        "observations": [reuse(o, _dump_observation) for o in history.observations.values()],
        "quizzes": [as_values(q) for q in history.quizzes.values()],
        "latest": _iso(history.latest),
        "last_checkpoint": _iso(history.last_checkpoint),
        "judged_until": _iso(history.judged_until),
        "settled": {k: reuse(v, _dump_settled) for k, v in history.settled.items()},
        "replay": [_dump_decision(d) for d in history.replay],
        "units": [reuse(u, _dump_unit) for u in history.units.values()],
        "cold": dump_parts(history.cold),
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
    by_session = {s.session_id: s for s in sessions}
    by_log = {o.log_id: o for o in observations}
    # A row written before units existed has none: `close_units` judges them again.
    units = [
        keep(unit, u)
        for u in data.get("units", [])
        if (unit := _load_unit(u, by_session, by_log)) is not None
    ]
    return History(
        sessions=by_session,
        observations=by_log,
        quizzes={q.response_id: q for q in quizzes},
        latest=_parse(data["latest"]),
        last_checkpoint=_parse(data["last_checkpoint"]),
        judged_until=_parse(data.get("judged_until")),
        settled={k: keep(_load_settled(v), v) for k, v in data["settled"].items()},
        replay=[_load_decision(d) for d in data["replay"]],
        units={u.session.session_id: u for u in units},
        cold=load_parts(data.get("cold")),
        stored=stored,
    )


def _dump_decision(d: Decision) -> dict[str, Any]:
    return {
        "exercise_id": d.exercise_id,
        "rule": d.rule,
        "severity": d.severity,
        "at": d.at.isoformat(),
        "rank": d.rank,
        "evidence": dump_evidence(d.evidence),
    }


def _load_decision(d: dict[str, Any]) -> Decision:
    return Decision(
        d["exercise_id"],
        d["rule"],
        d["severity"],
        datetime.fromisoformat(d["at"]),
        d["rank"],
        load_evidence(d["evidence"]),
    )


def dump_evidence(e: DecisionEvidence) -> dict[str, Any]:
    """A removal's evidence as JSON values: the form a history's replay keeps, and the
    `RemovalEvidence` of its event (the same names; lists for tuples, ISO 8601 for the
    checkpoint)."""
    values = {name: getattr(e, name) for name in _EVIDENCE_FIELDS}
    for name in ("windows", "report_ids", "set_aside_with"):
        values[name] = list(values[name])
    values["checkpoint"] = _iso(e.checkpoint)
    return values


def load_evidence(data: dict[str, Any]) -> DecisionEvidence:
    """`dump_evidence` back; a form with fewer fields (older, or a rule-one removal's) gets
    the defaults for the rest."""
    values = {name: data[name] for name in _EVIDENCE_FIELDS if name in data}
    for name in ("windows", "report_ids", "set_aside_with"):
        if name in values:
            values[name] = tuple(values[name])
    values["checkpoint"] = _parse(data.get("checkpoint"))
    return DecisionEvidence(**values)


_EVIDENCE_FIELDS = tuple(f.name for f in fields(DecisionEvidence))


def _dump_settled(v: Settled) -> list[Any]:
    return [v.flare, v.baseline, v.spread, v.new, list(v.confounders)]


def _load_settled(v: list[Any] | dict[str, Any]) -> Settled:
    if isinstance(v, dict):
        v = [v["flare"], v["baseline"], v["spread"], v["new"], v["confounders"]]
    return Settled(v[0], v[1], v[2], v[3], tuple(v[4]))


def _dump_unit(u: SessionOutcome) -> list[Any]:
    return [u.session.session_id, u.outcome]


def _load_unit(
    data: list[Any], sessions: dict[str, Session], observations: dict[str, Observation]
) -> SessionOutcome | None:
    if len(data) == 5:  # the older form: [key, at, exercises, outcome, rest]
        key, at, exercises, outcome, rest = data
        when = datetime.fromisoformat(at)
        return SessionOutcome(Session(key, when, when, tuple(exercises)), outcome, (), rest)
    key, outcome = data
    if key.startswith("rest:"):
        obs = observations.get(key[5:])
        if obs is None:
            return None
        return SessionOutcome(Session(key, obs.at, obs.at, ()), outcome, (), rest=True)
    session = sessions.get(key)
    if session is None:
        return None
    stub = Session(key, session.at, session.at, session.exercises)
    return SessionOutcome(stub, outcome, ())


def _dump_session(s: Session) -> list[Any]:
    return [
        s.session_id,
        s.started_at.isoformat(),
        s.completed_at.isoformat(),
        list(s.exercises),
        [[r.exercise_id, list(r.qualities), list(r.locations)] for r in s.reports],
    ]


def _load_session(data: list[Any] | dict[str, Any]) -> Session:
    if isinstance(data, dict):
        data = [
            data["session_id"],
            data["started_at"],
            data["completed_at"],
            data["exercises"],
            [[r["exercise_id"], r["qualities"], r["locations"]] for r in data["reports"]],
        ]
    session_id, started_at, completed_at, exercises, reports = data
    return Session(
        session_id,
        datetime.fromisoformat(started_at),
        datetime.fromisoformat(completed_at),
        tuple(exercises),
        tuple(ExerciseReport(r[0], tuple(r[1]), tuple(r[2])) for r in reports) if reports else (),
    )


_OBSERVATION_FIELDS = (
    "log_id",
    "observed_at",
    "level",
    "context",
    "exercise_id",
    "session_id",
    "qualities",
    "locations",
    "hours_sat",
    "heavy_lifting",
    "stress",
)


def _dump_observation(o: Observation) -> list[Any]:
    return [
        o.log_id,
        o.observed_at.isoformat(),
        o.level,
        o.context,
        o.exercise_id,
        o.session_id,
        list(o.qualities),
        list(o.locations),
        o.hours_sat,
        o.heavy_lifting,
        o.stress,
    ]


def _load_observation(o: list[Any] | dict[str, Any]) -> Observation:
    if isinstance(o, dict):
        o = [o[name] for name in _OBSERVATION_FIELDS]
    return Observation(
        o[0],
        datetime.fromisoformat(o[1]),
        o[2],
        o[3],
        o[4],
        o[5],
        tuple(o[6]),
        tuple(o[7]),
        o[8],
        o[9],
        o[10],
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
