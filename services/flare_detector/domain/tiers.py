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

import hashlib
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.flare_detector.domain.exercise_evidence import INFORMATIVE
from services.flare_detector.domain.history import History, NeedsWholeHistory, SessionOutcome
from services.flare_detector.domain.records import Observation, QuizSeed, Record, Session
from services.flare_detector.domain.rule_one import Report, reports_of
from services.flare_detector.domain.rules import Rules

SESSIONS, MORNINGS = "s", "o"  # the two kinds of part
PartKey = tuple[str, str]  # (UTC day as YYYY-MM-DD, kind): the order of the days
UnitKey = tuple[tuple[str, ...], str, bool]  # (exercises, outcome, rest): a Tally's key

__all__ = ["NeedsWholeHistory"]

# A history of fewer records than this stays one row (`cold` None): parts only pay for
# themselves past a size, and most users' histories are short (a part is a row written,
# and later deleted, per day and kind).
WHOLE_BELOW = 50


def day_of(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


def start_of(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


# What the summary keeps of one day's part, as stored (read and written on every event, so
# kept as read: a list [day, kind, sessions, observations, seconds from the day's start to
# its first record, crc32 of its record ids as 8 hex digits each, its rule-one reports as
# [report_id, exercise_id, at], how many of its units are informative]). Its units are in
# `ColdDays.totals`. A part with no informative unit adds nothing to a count, so it is not
# read for one (a user with sessions every day has no rest morning: none of its morning
# parts is); an entry written before the last field was kept has no count (read as before).
DAY, KIND, SESSION_COUNT, OBSERVATION_COUNT, FIRST, IDS, REPORTS, INFORMATIVE_COUNT = range(8)


def informative_count(entry: list[Any]) -> int | None:
    """How many informative units the part holds; None for an entry stored without it."""
    return entry[INFORMATIVE_COUNT] if len(entry) > INFORMATIVE_COUNT else None


def _tallies(units: Iterable[SessionOutcome]) -> Counter[UnitKey]:
    return Counter(
        (u.session.exercises, u.outcome, u.rest) for u in units if u.outcome in INFORMATIVE
    )


def _exposures(sessions: Iterable[Session]) -> Counter[str]:
    return Counter(e for s in sessions for e in s.exercises)


@dataclass
class ColdDays:
    """`History.cold`: what the summary keeps of the parts, and the parts loaded for this
    event. Per kind, `totals` tallies the informative units of every part from the day
    `edges` names on (a lookback's start only moves forward: the part it leaves behind is
    loaded, subtracted, and the edge moves); `exposures` counts every part's sessions per
    exercise (a pruned part is loaded and subtracted)."""

    parts: dict[PartKey, list[Any]] = field(default_factory=dict)
    # The rules the split was made under (`rules_key`): what is kept where, the edges and
    # the totals all follow from them, so other rules (a setting changed) need the whole.
    rules: str = ""
    totals: dict[str, Counter[UnitKey]] = field(default_factory=dict)
    edges: dict[str, str] = field(default_factory=dict)
    exposure_counts: Counter[str] = field(default_factory=Counter)
    loaded: dict[PartKey, list[SessionOutcome]] = field(default_factory=dict)  # units

    def add(self, key: PartKey, content: History, quizzes: Iterable[Any]) -> None:
        """A new part (a day the watermark left behind)."""
        day, kind = key
        records: list[Session | Observation] = [
            *content.sessions.values(),
            *content.observations.values(),
        ]
        ids = sorted([*content.sessions, *content.observations])
        reports = reports_of(content.sessions.values(), content.observations.values(), quizzes)
        self.parts[key] = [
            day,
            kind,
            len(content.sessions),
            len(content.observations),
            (min(r.at for r in records) - start_of(day)).total_seconds(),
            "".join(f"{record_crc(k):08x}" for k in ids),
            [[r.report_id, r.exercise_id, r.at.isoformat()] for r in reports],
            sum(1 for u in content.units.values() if u.outcome in INFORMATIVE),
        ]
        edge = self.edges.get(kind)
        if edge is None or day >= edge:
            self.totals.setdefault(kind, Counter()).update(_tallies(content.units.values()))
        self.exposure_counts.update(_exposures(content.sessions.values()))

    def _units(self, key: PartKey, why: str) -> list[SessionOutcome]:
        units = self.loaded.get(key)
        if units is None:
            raise NeedsWholeHistory(f"{why}: the part {key[0]} {key[1]} is not loaded")
        return units

    def _counted(self, key: PartKey, why: str) -> list[SessionOutcome]:
        """The units of a part that a count (`_tallies`) reads: none, unloaded, when its
        entry says it has no informative unit."""
        if key not in self.loaded and informative_count(self.parts[key]) == 0:
            return []
        return self._units(key, why)

    def count_units(self, counts: Counter[UnitKey], start: datetime, rules: Rules) -> None:
        """Add the units of the parts in a checkpoint's lookback (`attribution.units_at`):
        sessions from `start`, rest mornings from `start + window_end`. Every part lies
        before the checkpoint (parts are older than any checkpoint still to come); the part
        of the day the lookback starts in is counted from its units."""
        for kind in (SESSIONS, MORNINGS):
            if kind == MORNINGS and not rules.rest_mornings_as_control:
                continue
            low = start if kind == SESSIONS else start + rules.window_end
            day = day_of(low)
            self._move_edge(kind, day)
            counts.update(self.totals.get(kind, Counter()))
            if (day, kind) in self.parts:
                # The totals hold the whole day: take out its units before `low` (one pass,
                # per checkpoint; what a checkpoint reads of a count is its positive keys).
                for u in self._counted((day, kind), "a lookback starts inside it"):
                    if u.session.at < low and u.outcome in INFORMATIVE:
                        counts[(u.session.exercises, u.outcome, u.rest)] -= 1

    def move_edges(self, mark: datetime, rules: Rules) -> None:
        """After an event: every checkpoint still to come closes after the watermark, so its
        lookback starts after `mark - lookback` (its rest mornings after that + window_end)."""
        lookback = timedelta(days=rules.lookback_days)
        self._move_edge(SESSIONS, day_of(mark - lookback))
        self._move_edge(MORNINGS, day_of(mark - lookback + rules.window_end))

    def _move_edge(self, kind: str, day: str) -> None:
        edge = self.edges.get(kind)
        if edge == day:
            return
        if edge is not None and day < edge:
            raise NeedsWholeHistory("a lookback starts before the edge")
        total = self.totals.setdefault(kind, Counter())
        for key in self.parts:  # (a sum: in any order)
            if key[1] == kind and (edge is None or key[0] >= edge) and key[0] < day:
                total.subtract(_tallies(self._counted(key, "a lookback left it")))
        self.totals[kind] = +total  # drop the zeros
        self.edges[kind] = day

    def exposures(self, exercise_id: str) -> int:
        return self.exposure_counts[exercise_id]

    def reports(self) -> list[Report]:
        return [
            Report(i, e, datetime.fromisoformat(a))
            for p in self.parts.values()
            for i, e, a in p[REPORTS]
        ]

    def holds(self, record_id: str) -> bool:
        crc = f"{record_crc(record_id):08x}"
        ids = "".join(p[IDS] for p in self.parts.values())  # 8 digits each: align the hit
        i = ids.find(crc)
        while i != -1:
            if i % 8 == 0:
                return True
            i = ids.find(crc, i + 1)
        return False

    def count(self) -> tuple[int, int]:
        parts = self.parts.values()
        return sum(p[SESSION_COUNT] for p in parts), sum(p[OBSERVATION_COUNT] for p in parts)

    def first(self) -> datetime | None:
        if not self.parts:
            return None
        day = min(k[0] for k in self.parts)
        return min(
            start_of(day) + timedelta(seconds=p[FIRST])
            for p in self.parts.values()
            if p[DAY] == day
        )

    def prune(self, horizon: datetime) -> None:
        """Drop the parts of the days before `horizon` (a day start: whole parts go), and
        what they added to the counts."""
        cut = day_of(horizon)
        if not self.parts or min(self.parts)[0] >= cut:
            return
        for key in sorted(self.parts):
            day, kind = key
            if day >= cut:
                continue
            if self.parts[key][SESSION_COUNT]:
                units = self._units(key, "the retention drops it")
                # Every session of a part has its unit (`split`).
                self.exposure_counts.subtract(_exposures(u.session for u in units if not u.rest))
            edge = self.edges.get(kind)
            if edge is None or day >= edge:
                self.totals[kind].subtract(_tallies(self._counted(key, "the retention drops it")))
            del self.parts[key]
        self.exposure_counts = +self.exposure_counts
        self.totals = {k: +t for k, t in self.totals.items()}


def rules_key(rules: Rules) -> str:
    return hashlib.sha256(repr(rules).encode()).hexdigest()[:16]


def record_crc(record_id: str) -> int:
    return zlib.crc32(record_id.encode())


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


def part_units(part: History) -> list[Any]:
    """A part's units as stored beside it (all an event applied to the summary reads of a
    part): [time, exercises, outcome, rest] each."""
    return [
        [u.session.at.isoformat(), list(u.session.exercises), OUTCOMES.index(u.outcome), u.rest]
        for u in part.units.values()
    ]


def load_units(data: list[Any]) -> list[SessionOutcome]:
    found = []
    for at, exercises, outcome, rest in data:
        when = datetime.fromisoformat(at)
        stub = Session("", when, when, tuple(exercises))
        found.append(SessionOutcome(stub, OUTCOMES[outcome], (), rest))
    return found


# --- the summary's parts as JSON ---------------------------------------------------------

OUTCOMES = ("flare", "confounded", "in_flare", "calm", "unobserved")


def _dump_counter(counts: Counter[UnitKey]) -> list[Any]:
    return [[list(e), OUTCOMES.index(o), int(r), n] for (e, o, r), n in sorted(counts.items())]


def _load_counter(data: list[Any]) -> Counter[UnitKey]:
    return Counter({(tuple(e), OUTCOMES[o], bool(r)): n for e, o, r, n in data})


def dump_parts(cold: ColdDays | None) -> dict[str, Any] | None:
    if cold is None:
        return None
    return {
        "rules": cold.rules,
        "parts": [cold.parts[k] for k in sorted(cold.parts)],
        "totals": {k: _dump_counter(t) for k, t in sorted(cold.totals.items())},
        "edges": dict(sorted(cold.edges.items())),
        "exposures": dict(sorted(cold.exposure_counts.items())),
    }


def load_parts(data: dict[str, Any] | None) -> ColdDays | None:
    if data is None:
        return None
    return ColdDays(
        parts={(p[DAY], p[KIND]): p for p in data["parts"]},
        rules=data["rules"],
        totals={k: _load_counter(t) for k, t in data["totals"].items()},
        edges=dict(data["edges"]),
        exposure_counts=Counter(data["exposures"]),
    )


# --- applying events to the tiers ----------------------------------------------------------


@dataclass
class Applied:
    """A user's events applied: the summary to store, what each event implied, the parts to
    write and the parts to delete (deleted first: a whole-history apply rewrites them all)."""

    history: History
    steps: list[Any]  # detector.Step, per event
    written: dict[PartKey, tuple[dict[str, Any], list[Any]]]  # the part's JSON, its units'
    dropped: list[PartKey]
    whole: bool


def _stored(parts: dict[PartKey, History]) -> dict[PartKey, tuple[dict[str, Any], list[Any]]]:
    from services.flare_detector.domain.history_json import dump_history  # it imports this

    return {k: (dump_history(p), part_units(p)) for k, p in parts.items()}


def apply_to_summary(
    summary: History,
    units: dict[PartKey, list[SessionOutcome]],
    events: list[Any],
    rules: Rules,
    now: Any,
    whole_below: int = WHOLE_BELOW,
) -> Applied:
    """Apply events to the summary alone, with the units of the parts `parts_needed` named.
    Raises NeedsWholeHistory when one of them can change what it does not hold (the caller
    applies them to the whole history instead, from what it had stored)."""
    from services.flare_detector.domain.detector import ingest

    if summary.cold is None:
        raise NeedsWholeHistory("a history kept as one row")
    if summary.cold.rules != rules_key(rules):
        raise NeedsWholeHistory("split under other rules")
    before = set(summary.cold.parts)
    summary.cold.loaded = dict(units)
    steps = [ingest(summary, e, rules, now) for e in events]
    mark = summary.watermark(rules)
    if mark is not None:
        summary.cold.move_edges(mark, rules)
    written = _stored(split(summary, rules, whole_below))
    summary.cold.loaded = {}
    return Applied(summary, steps, written, sorted(before - set(summary.cold.parts)), False)


def apply_to_whole(
    summary: History,
    parts: dict[PartKey, History],
    events: list[Any],
    rules: Rules,
    now: Any,
    whole_below: int = WHOLE_BELOW,
) -> Applied:
    """Apply events to the whole history (the summary with every part back in), then split
    it again: a stored part the events changed (or that is gone) is replaced; the others,
    usually nearly all, are left as they are."""
    from services.flare_detector.domain.detector import ingest
    from services.flare_detector.domain.history_json import dump_history  # it imports this

    before = {key: dump_history(part) for key, part in parts.items()}
    history = assemble(summary, parts)
    steps = [ingest(history, e, rules, now) for e in events]
    split_now = _stored(split(history, rules, whole_below))
    written = {k: p for k, p in split_now.items() if before.get(k) != p[0]}
    dropped = sorted(k for k in before if k not in split_now or k in written)
    return Applied(history, steps, written, dropped, True)
