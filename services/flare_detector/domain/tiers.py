"""A user's history in two tiers, so that one event costs the same however long it is.

What a record that arrives within the allowed lateness can change lies in the last days: the
classes of the observations not settled yet (the baseline mornings and the episode before
them), the sessions whose windows are still open and the checkpoints they close. Older days
change only through a record later than the lateness, a quiz, or a bound that binds. So:

- the **summary** (one row per user) keeps the recent records (`hot`: sessions, their units
  and after-exercise logs from the day before the windows still open; every other
  observation, its class and its rest unit from the day before the baseline period), the
  watermark, the checkpoints and replay decisions, the quizzes, and for every older day a
  **part**'s counts (`ColdPart`): its units tallied by exercises and outcome, its sessions
  per exercise, its rule-one reports, its record ids and counts;
- every older day is a **part** row of its own (per day and kind: `s` sessions and
  after-exercise logs, `o` every other observation), written once when the watermark leaves
  it behind and deleted when the retention drops its day.

An event that is a new record at or after the watermark is applied to the summary alone
(`History.cold` holds the parts' counts; a checkpoint whose lookback starts inside a day
reads that day's part: `parts_needed`). Anything else (a quiz, a record later than the
lateness, a new version of a kept record, a bound that binds) raises `NeedsWholeHistory`
and is applied to the whole history (`assemble`), as before. Both give the same state: the
counts of a part are exactly what its records would add (tested against the whole history,
tests/unit/flare_detector/test_tiers.py).

Here: what goes where (`split`, `assemble`) and what an event reads (`parts_needed`). What the
summary keeps of the parts is domain/cold_days.py's, their JSON domain/parts_json.py's, and
applying events to the tiers domain/tiers_apply.py's.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from services.flare_detector.domain.cold_days import (
    MORNINGS,
    SESSION_COUNT,
    SESSIONS,
    ColdDays,
    PartKey,
    day_of,
    informative_count,
    start_of,
)
from services.flare_detector.domain.history import History, NeedsWholeHistory
from services.flare_detector.domain.records import Observation, QuizSeed, Record, Session
from services.flare_detector.domain.rules import Rules

__all__ = ["NeedsWholeHistory"]

# A history of fewer records than this stays one row (`cold` None): parts only pay for
# themselves past a size, and most users' histories are short (a part is a row written,
# and later deleted, per day and kind).
WHOLE_BELOW = 50


def rules_key(rules: Rules) -> str:
    return hashlib.sha256(repr(rules).encode()).hexdigest()[:16]


def kind_of(record: Session | Observation) -> str:
    if isinstance(record, Observation) and record.context != "after_exercise":
        return MORNINGS
    return SESSIONS


def horizons(history: History, rules: Rules) -> dict[str, str] | None:
    """Per kind, the day from which records stay in the summary: the day the windows still
    open start in (sessions), the day the baseline period and the episode gap before the
    watermark start in (observations). What a record at or after the watermark can change
    is later (the next record's watermark is at least this one)."""
    mark = history.watermark(rules)
    if mark is None:
        return None
    back = max(
        timedelta(days=rules.baseline_days), timedelta(hours=rules.episode_gap_h), rules.window_end
    )
    return {SESSIONS: day_of(mark - rules.window_end), MORNINGS: day_of(mark - back)}


def split(history: History, rules: Rules, whole_below: int = WHOLE_BELOW) -> dict[PartKey, History]:
    """Move every record older than its kind's horizon, with its class and unit, out of
    `history` into parts (returned, by key); `history.cold` gets their counts. A history
    kept whole (`cold` None) with fewer than `whole_below` records stays so."""
    limits = horizons(history, rules)
    if limits is None:
        return {}
    if history.cold is None and len(history.sessions) + len(history.observations) < whole_below:
        return {}
    if history.cold is None:
        # Every part is new: the edges are where the next checkpoints' lookbacks start.
        mark = history.watermark(rules)
        assert mark is not None
        history.cold = ColdDays(rules=rules_key(rules))
        history.cold.move_edges(mark, rules)
    cold: ColdDays = history.cold
    moving: dict[PartKey, History] = {}

    starts_of_sessions = start_of(limits[SESSIONS])
    # A day of sessions leaves once every session of it is closed (a unit): always so days
    # behind the watermark, except in a row written before units were kept, until its next
    # event closes them. A part's units then stand for its sessions (`part_units`).
    unclosed = {
        day_of(s.at)
        for k, s in history.sessions.items()
        if k not in history.units and s.at < starts_of_sessions
    }

    starts = {SESSIONS: starts_of_sessions, MORNINGS: start_of(limits[MORNINGS])}

    def leaving(record: Session | Observation) -> History | None:
        kind = kind_of(record)
        if record.at >= starts[kind]:
            return None
        day = day_of(record.at)
        if kind == SESSIONS and day in unclosed:
            return None
        return moving.setdefault((day, kind), History())

    # Only what is older than the later horizon can leave (most events: nothing).
    latest = max(starts.values())
    for session_id, session in [(k, v) for k, v in history.sessions.items() if v.at < latest]:
        if (part := leaving(session)) is not None:
            part.sessions[session_id] = history.sessions.pop(session_id)
    for log_id, obs in [(k, v) for k, v in history.observations.items() if v.at < latest]:
        if (part := leaving(obs)) is not None:
            part.observations[log_id] = history.observations.pop(log_id)
    for key, part in sorted(moving.items()):
        if key in cold.parts:
            raise NeedsWholeHistory(f"a record joins the kept part {key[0]} {key[1]}")
        for log_id in part.observations:
            if log_id in history.settled:
                part.settled[log_id] = history.settled.pop(log_id)
            if f"rest:{log_id}" in history.units:
                part.units[f"rest:{log_id}"] = history.units.pop(f"rest:{log_id}")
        for session_id in part.sessions:
            if session_id in history.units:
                part.units[session_id] = history.units.pop(session_id)
        cold.add(key, part, history.quizzes.values())
    return moving


def assemble(summary: History, parts: dict[PartKey, History]) -> History:
    """The whole history: the summary with every part's records, classes and units back in
    (`cold` None: nothing is kept elsewhere)."""
    if summary.cold is not None:
        missing = set(summary.cold.parts) - set(parts)
        if missing:
            raise ValueError(f"parts missing from the store: {sorted(missing)}")
    for part in parts.values():
        summary.sessions.update(part.sessions)
        summary.observations.update(part.observations)
        summary.settled.update(part.settled)
        summary.units.update(part.units)
    summary.cold = None
    return summary


def parts_needed(
    summary: History, records: list[Record], rules: Rules, limit: datetime | None
) -> list[PartKey] | None:
    """The parts these records can make an event read: those from a kind's edge to the day
    the last lookback they close starts in, and those the retention will drop. None when
    the records need the whole history: one older than the watermark or a quiz. `limit` is
    the latest time a record can move the watermark to (the handling time plus the skew)."""
    cold = summary.cold
    if cold is None or cold.rules != rules_key(rules):
        return None
    if not cold.parts:
        return []
    mark = summary.watermark(rules)
    latest = summary.latest
    for record in records:
        if isinstance(record, QuizSeed):
            return None
        if mark is not None and record.at < mark:
            return None  # (a new version of a record in a part: `History.add` refuses it)
        at = record.at if limit is None else min(record.at, limit)
        latest = at if latest is None else max(latest, at)
    if latest is None:
        return []
    lookback = timedelta(days=rules.lookback_days)
    last = latest - rules.lateness
    reach = {
        SESSIONS: day_of(last - lookback),
        MORNINGS: day_of(last - lookback + rules.window_end),
    }
    cut = day_of(last - rules.retention)  # never after a reach: the retention is longer
    needed = []
    edges = cold.edges
    for key, entry in cold.parts.items():
        day, kind = key
        if day > reach[kind]:
            continue  # read by no lookback, and after the cut (most of the parts)
        edge = edges.get(kind)
        # Counted by a lookback that starts inside it or leaves it behind, or by the totals
        # the retention subtracts it from (a part with no informative unit adds nothing);
        # pruned, its sessions' exercises are subtracted from the exposures.
        counted = (edge is None or day >= edge) and informative_count(entry) != 0
        if counted or (day < cut and kind == SESSIONS and entry[SESSION_COUNT] > 0):
            needed.append(key)
    return sorted(needed)
