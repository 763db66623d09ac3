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
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.flare_detector.domain.attribution import INFORMATIVE
from services.flare_detector.domain.decisions import Report, reports_of
from services.flare_detector.domain.history import (
    History,
    NeedsWholeHistory,
    Observation,
    QuizSeed,
    Record,
    Session,
    SessionOutcome,
    day_start,
)
from services.flare_detector.domain.rules import Rules

SESSIONS, MORNINGS = "s", "o"  # the two kinds of part
PartKey = tuple[datetime, str]  # (day start, kind)
UnitKey = tuple[tuple[str, ...], str, bool]  # (exercises, outcome, rest): attribution.Tally
ONE_DAY = timedelta(days=1)


__all__ = ["NeedsWholeHistory"]


@dataclass(frozen=True)
class ColdPart:
    """What one day's part adds to the counts a decision reads."""

    day: datetime
    kind: str
    sessions: int
    observations: int
    first: datetime  # its earliest record
    ids: str  # crc32 of its record ids, 8 hex digits each: a later version of one needs it
    units: tuple[tuple[UnitKey, int], ...]  # every session of a part is closed: a unit
    reports: tuple[Report, ...]

    @property
    def key(self) -> PartKey:
        return (self.day, self.kind)


@dataclass
class ColdDays:
    """`History.cold`: the parts not loaded, and the units of those that were."""

    parts: dict[PartKey, ColdPart] = field(default_factory=dict)
    loaded: dict[PartKey, list[SessionOutcome]] = field(default_factory=dict)
    # The stored form: the exercise sets units refer to (only ever appended to), and each
    # part as it was read, reused while the part is the same object.
    sets: list[tuple[str, ...]] = field(default_factory=list)
    raw: dict[PartKey, tuple[ColdPart, list[Any]]] = field(default_factory=dict)

    def count_units(
        self, counts: Counter[UnitKey], start: datetime, checkpoint: datetime, rules: Rules
    ) -> None:
        """Add the units of the parts in a checkpoint's lookback (`attribution.units_at`):
        sessions from `start`, rest mornings from `start + window_end`. A part lies wholly
        before the checkpoint (parts are older than any checkpoint still to come); the day
        the lookback starts in is counted from its units, which must have been loaded."""
        end = rules.window_end
        for (day, kind), part in self.parts.items():
            if kind == MORNINGS and not rules.rest_mornings_as_control:
                continue
            low = start if kind == SESSIONS else start + end
            if day + ONE_DAY <= low:
                continue
            if day >= low:
                for unit, n in part.units:
                    if unit[1] in INFORMATIVE:
                        counts[unit] += n
                continue
            units = self.loaded.get((day, kind))
            if units is None:
                raise NeedsWholeHistory(f"the lookback starts inside the part {day} {kind}")
            for u in units:
                if u.session.at >= low and u.outcome in INFORMATIVE:
                    counts[(u.session.exercises, u.outcome, u.rest)] += 1

    def exposures(self, exercise_id: str) -> int:
        """Kept sessions with the exercise (a part's sessions are all closed: units)."""
        return sum(
            n
            for p in self.parts.values()
            for (e, _, rest), n in p.units
            if not rest and exercise_id in e
        )

    def reports(self) -> list[Report]:
        return [r for p in self.parts.values() for r in p.reports]

    def holds(self, record_id: str) -> bool:
        crc = f"{record_crc(record_id):08x}"
        for p in self.parts.values():
            i = p.ids.find(crc)
            while i != -1:
                if i % 8 == 0:
                    return True
                i = p.ids.find(crc, i + 1)
        return False

    def count(self) -> tuple[int, int]:
        parts = self.parts.values()
        return sum(p.sessions for p in parts), sum(p.observations for p in parts)

    def first(self) -> datetime | None:
        return min((p.first for p in self.parts.values()), default=None)

    def prune(self, horizon: datetime) -> None:
        """Drop the parts of the days before `horizon` (a day start: whole parts go)."""
        self.parts = {k: p for k, p in self.parts.items() if p.day >= horizon}


def record_crc(record_id: str) -> int:
    return zlib.crc32(record_id.encode())


def kind_of(record: Session | Observation) -> str:
    if isinstance(record, Observation) and record.context != "after_exercise":
        return MORNINGS
    return SESSIONS


def horizons(history: History, rules: Rules) -> dict[str, datetime] | None:
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
    return {SESSIONS: day_start(mark - rules.window_end), MORNINGS: day_start(mark - back)}


def split(history: History, rules: Rules) -> dict[PartKey, History]:
    """Move every record older than its kind's horizon, with its class and unit, out of
    `history` into parts (returned, by key); `history.cold` gets their counts."""
    if history.cold is None:
        history.cold = ColdDays()
    cold: ColdDays = history.cold
    limits = horizons(history, rules)
    if limits is None:
        return {}
    moving: dict[PartKey, History] = {}

    def leaving(record: Session | Observation) -> History | None:
        day = day_start(record.at)
        kind = kind_of(record)
        return None if day >= limits[kind] else moving.setdefault((day, kind), History())

    for session_id, session in list(history.sessions.items()):
        if (part := leaving(session)) is not None:
            part.sessions[session_id] = history.sessions.pop(session_id)
    for log_id, obs in list(history.observations.items()):
        if (part := leaving(obs)) is not None:
            part.observations[log_id] = history.observations.pop(log_id)
    for (day, kind), part in moving.items():
        if (day, kind) in cold.parts:
            raise NeedsWholeHistory(f"a record joins the kept part {day} {kind}")
        for log_id in part.observations:
            if log_id in history.settled:
                part.settled[log_id] = history.settled.pop(log_id)
        for session_id in part.sessions:
            if session_id in history.units:
                part.units[session_id] = history.units.pop(session_id)
        for log_id in part.observations:
            if f"rest:{log_id}" in history.units:
                part.units[f"rest:{log_id}"] = history.units.pop(f"rest:{log_id}")
        cold.parts[(day, kind)] = describe(part, day, kind, history)
    return moving


def describe(part: History, day: datetime, kind: str, history: History) -> ColdPart:
    units: Counter[UnitKey] = Counter(
        (u.session.exercises, u.outcome, u.rest) for u in part.units.values()
    )
    if sum(not u.rest for u in part.units.values()) != len(part.sessions):
        # Every session this old is closed (its windows ended days before the watermark).
        raise ValueError(f"a session of the part {day} {kind} has no closed outcome")
    records: list[Session | Observation] = [*part.sessions.values(), *part.observations.values()]
    return ColdPart(
        day=day,
        kind=kind,
        sessions=len(part.sessions),
        observations=len(part.observations),
        first=min(r.at for r in records),
        ids="".join(f"{record_crc(k):08x}" for k in sorted([*part.sessions, *part.observations])),
        units=tuple(sorted(units.items())),
        reports=tuple(
            reports_of(part.sessions.values(), part.observations.values(), history.quizzes.values())
        ),
    )


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
    """The parts whose units the checkpoints these records close will read (the days their
    lookbacks start in), or None when the records need the whole history: one that is
    older than the watermark, a quiz, or a new version of a record kept in a part. `limit` is the
    latest time a record can move the watermark to (the handling time plus the skew)."""
    cold = summary.cold
    if cold is None:
        return None
    if not cold.parts:
        return []
    mark = summary.watermark(rules)
    latest = summary.latest
    for record in records:
        if isinstance(record, QuizSeed):
            return None
        if (mark is not None and record.at < mark) or cold.holds(_record_id(record)):
            return None
        at = record.at if limit is None else min(record.at, limit)
        latest = at if latest is None else max(latest, at)
    if latest is None:
        return []
    lookback, end = timedelta(days=rules.lookback_days), rules.window_end
    # Every checkpoint up to the watermark has been evaluated: those due close after it.
    first = mark or latest
    last = latest - rules.lateness
    needed = []
    for day, kind in cold.parts:
        offset = lookback if kind == SESSIONS else lookback - end
        # Lookbacks start between (first - offset) and (last - offset).
        if day + ONE_DAY > first - offset and day <= last - offset:
            needed.append((day, kind))
    return sorted(needed)


def _record_id(record: Session | Observation) -> str:
    return record.session_id if isinstance(record, Session) else record.log_id


# --- the summary's parts as JSON ---------------------------------------------------------
# Read and written with the summary on every event, so compact: exercises as an index into
# one list of the exercise sets seen, outcomes as an index, ids as 8 hex digits each, the
# day as a date and its first record as seconds into it.

OUTCOMES = ("flare", "confounded", "in_flare", "calm", "unobserved")


def dump_parts(cold: ColdDays | None) -> dict[str, Any] | None:
    if cold is None:
        return None
    sets = cold.sets
    index = {e: i for i, e in enumerate(sets)}

    def set_index(e: tuple[str, ...]) -> int:
        if e not in index:
            index[e] = len(sets)
            sets.append(e)
        return index[e]

    out = []
    for p in sorted(cold.parts.values(), key=lambda p: p.key):
        kept = cold.raw.get(p.key)
        if kept is not None and kept[0] is p:
            out.append(kept[1])
            continue
        out.append(
            [
                p.day.date().isoformat(),
                p.kind,
                p.sessions,
                p.observations,
                (p.first - p.day).total_seconds(),
                p.ids,
                [[set_index(e), OUTCOMES.index(o), int(r), n] for (e, o, r), n in p.units],
                [[r.report_id, r.exercise_id, r.at.isoformat()] for r in p.reports],
            ]
        )
    return {"sets": [list(e) for e in sets], "parts": out}


def load_parts(data: dict[str, Any] | None) -> ColdDays | None:
    if data is None:
        return None
    cold = ColdDays(sets=[tuple(e) for e in data["sets"]])
    sets = cold.sets
    for raw in data["parts"]:
        day, kind, n_s, n_o, first, ids, units, reports = raw
        start = datetime.fromisoformat(day).replace(tzinfo=UTC)
        part = ColdPart(
            day=start,
            kind=kind,
            sessions=n_s,
            observations=n_o,
            first=start + timedelta(seconds=first),
            ids=ids,
            units=tuple(((sets[e], OUTCOMES[o], bool(r)), n) for e, o, r, n in units),
            reports=tuple(Report(i, e, datetime.fromisoformat(a)) for i, e, a in reports),
        )
        cold.parts[part.key] = part
        cold.raw[part.key] = (part, raw)
    return cold


# --- applying events to the tiers ----------------------------------------------------------


@dataclass
class Applied:
    """A user's events applied: the summary to store, what each event implied, the parts to
    write and the parts to delete (deleted first: a whole-history apply rewrites them all)."""

    history: History
    steps: list[Any]  # detector.Step, per event
    written: dict[PartKey, History]
    dropped: list[PartKey]
    whole: bool


def apply_to_summary(
    summary: History, parts: dict[PartKey, History], events: list[Any], rules: Rules, now: Any
) -> Applied:
    """Apply events to the summary alone, with the parts `parts_needed` named loaded.
    Raises NeedsWholeHistory when one of them can change what it does not hold (the caller
    applies them to the whole history instead, from what it had stored)."""
    from services.flare_detector.domain.detector import ingest

    if summary.cold is None:
        raise NeedsWholeHistory("a history kept as one row")
    before = set(summary.cold.parts)
    summary.cold.loaded = {k: list(p.units.values()) for k, p in parts.items()}
    steps = [ingest(summary, e, rules, now) for e in events]
    written = split(summary, rules)
    summary.cold.loaded = {}
    return Applied(summary, steps, written, sorted(before - set(summary.cold.parts)), False)


def apply_to_whole(
    summary: History, parts: dict[PartKey, History], events: list[Any], rules: Rules, now: Any
) -> Applied:
    """Apply events to the whole history (the summary with every part back in), then split
    it again: every stored part is replaced."""
    from services.flare_detector.domain.detector import ingest

    stored = sorted(parts)
    history = assemble(summary, parts)
    steps = [ingest(history, e, rules, now) for e in events]
    written = split(history, rules)
    return Applied(history, steps, written, stored, True)
