"""`ColdDays` (`History.cold`): what a user's summary keeps of the days kept out of its row,
the parts (domain/tiers.py), and the parts loaded for one event: each part's entry, the
running totals of the parts' informative units from the lookbacks' edges on, and the sessions
per exercise. Their JSON form is domain/parts_json.py's.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from services.flare_detector.domain.exercise_evidence import INFORMATIVE
from services.flare_detector.domain.history import History, NeedsWholeHistory, SessionOutcome
from services.flare_detector.domain.records import Observation, Session
from services.flare_detector.domain.rule_one import Report, reports_of
from services.flare_detector.domain.rules import Rules

SESSIONS, MORNINGS = "s", "o"  # the two kinds of part
PartKey = tuple[str, str]  # (UTC day as YYYY-MM-DD, kind): the order of the days
UnitKey = tuple[tuple[str, ...], str, bool]  # (exercises, outcome, rest): a Tally's key


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


def record_crc(record_id: str) -> int:
    return zlib.crc32(record_id.encode())
