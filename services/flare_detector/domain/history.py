"""A user's history as the detector keeps it: its records (domain/records.py), deduplicated
by their own ids, in event time, with what the replay has settled and decided so far. Its
stored form is domain/history_json.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.flare_detector.domain.evidence import DecisionEvidence
from services.flare_detector.domain.records import (
    Observation,
    QuizSeed,
    Record,
    Session,
    canonical,
    day_start,
    in_time_order,
    record_id,
)
from services.flare_detector.domain.rules import Rules, Window


class NeedsWholeHistory(Exception):
    """The event can change what a summary (domain/tiers.py) does not hold: apply it to the
    whole history instead."""


@dataclass(frozen=True)
class Settled:
    """An observation's classification, frozen once nothing earlier can still arrive."""

    flare: bool
    baseline: float
    spread: bool
    new: bool
    confounders: tuple[str, ...]


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
    # A rest morning: a morning log with no session in the windows before it (no exercise
    # at all), kept as a control (the user's own background flare rate).
    rest: bool = False


@dataclass
class Decision:
    """A removal the replay made at `at` (event time); `rank` orders removals for separation."""

    exercise_id: str
    rule: str  # immediate | delayed
    severity: str  # suspected | confirmed
    at: datetime
    rank: int
    evidence: DecisionEvidence

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.exercise_id, self.rule, self.severity)


@dataclass
class History:
    sessions: dict[str, Session] = field(default_factory=dict)
    observations: dict[str, Observation] = field(default_factory=dict)
    quizzes: dict[str, QuizSeed] = field(default_factory=dict)
    # The latest event time of a session or observation: the watermark trails it.
    latest: datetime | None = None
    # The last checkpoint (a session's windows closing) that the replay has evaluated.
    last_checkpoint: datetime | None = None
    settled: dict[str, Settled] = field(default_factory=dict)
    replay: list[Decision] = field(default_factory=list)
    # Closed outcomes (attribution.close_units), compact (no links): every kept session
    # whose windows the watermark has closed, and every rest morning behind it, keyed by
    # session id / "rest:<log id>". Like a settled class, a function of records that have
    # all arrived, so a checkpoint judges these instead of linking every session of the
    # lookback again.
    units: dict[str, SessionOutcome] = field(default_factory=dict)
    # Every morning before this has been judged rest or not (attribution.close_units); a
    # record that changes an earlier one moves it back (`forget_after`).
    judged_until: datetime | None = None
    # Days kept out of the row (domain/tiers.py): what they add to the counts a decision
    # reads. None when every kept record is here.
    cold: Any = None
    # The stored form of what was loaded (history_json: reused for what did not change).
    stored: dict[int, tuple[Any, Any]] = field(default_factory=dict, compare=False, repr=False)

    def watermark(self, rules: Rules) -> datetime | None:
        return None if self.latest is None else self.latest - rules.lateness

    def horizon(self, rules: Rules) -> datetime | None:
        """Records before this are dropped: the start of the UTC day the retention reaches
        back to (whole days, so that a day of records is kept or dropped at once)."""
        mark = self.watermark(rules)
        return None if mark is None else day_start(mark - rules.retention)

    def add(
        self, record: Record, now: datetime | None = None, rules: Rules | None = None
    ) -> datetime | None:
        """Add a record. Returns the earliest event time it changes (None for a duplicate).

        With `now` (the time it is handled), a record stamped further ahead than the allowed
        clock skew moves the watermark only up to `now` + skew: a wrong clock elsewhere
        cannot close everyone's windows early. (`skew` is `Rules.max_clock_skew_h`; the
        caller passes `now` already shifted by it.)"""
        if not isinstance(record, QuizSeed):
            # Before the duplicate check: the watermark must not depend on which of two
            # versions of one record arrived first.
            at = record.at if now is None else min(record.at, now)
            self.latest = at if self.latest is None else max(self.latest, at)
        table = self._table_for(record)
        key = record_id(record)
        old = table.get(key)
        if old is None and self.cold is not None and self.cold.holds(key):
            raise NeedsWholeHistory("a new version of a record kept in a part")
        if old is not None and canonical(old) <= canonical(record):
            return None
        table[key] = record
        moment = record.at if old is None else min(old.at, record.at)
        if rules is not None and not isinstance(record, QuizSeed):
            dropped = _cap_day(table, record, rules)
            if dropped is not None:
                self.units.pop(record_id(dropped), None)
                self.units.pop(f"rest:{record_id(dropped)}", None)
            if dropped is record:
                return None if old is None else moment  # over the day's bound: not kept
            if dropped is not None:
                moment = min(moment, dropped.at)
        if isinstance(record, QuizSeed):
            # Before the first quiz, the first quiz stands in (flares.quiz_in_effect): a new
            # first quiz can change everything kept.
            if min(q.at for q in self.quizzes.values()) == record.at:
                moment = min([moment, *(r.at for r in self._timed())])
            return moment
        return moment

    def _table_for(self, record: Record) -> dict[str, Any]:
        if isinstance(record, Session):
            return self.sessions  # type: ignore[return-value]
        if isinstance(record, Observation):
            return self.observations  # type: ignore[return-value]
        return self.quizzes  # type: ignore[return-value]

    def _timed(self) -> list[Session | Observation]:
        return [*self.sessions.values(), *self.observations.values()]

    def unsettled(self) -> list[Observation]:
        """The observations whose class is not settled yet, in time order."""
        return in_time_order([o for k, o in self.observations.items() if k not in self.settled])

    def forget_after(self, moment: datetime, window_end: timedelta | None = None) -> None:
        """A record of time `moment` arrived after decisions that it could change: drop every
        settled classification, closed outcome (of a session whose windows, `window_end`
        long, reach past `moment`) and replayed decision after it, so they are recomputed."""
        self.settled = {k: v for k, v in self.settled.items() if self.observations[k].at < moment}
        self.units = {
            k: u
            for k, u in self.units.items()
            if window_end is not None
            and (u.session.at < moment if u.rest else u.session.at + window_end <= moment)
        }
        self.replay = [d for d in self.replay if d.rule == "immediate" or d.at <= moment]
        if self.last_checkpoint is not None and self.last_checkpoint > moment:
            self.last_checkpoint = moment
        if self.judged_until is not None and self.judged_until > moment:
            self.judged_until = moment

    def prune(self, rules: Rules) -> None:
        """Drop what no future decision can use, and keep the history bounded in size."""
        horizon = self.horizon(rules)
        if horizon is not None:
            self.sessions = {k: s for k, s in self.sessions.items() if s.at >= horizon}
            self.observations = {k: o for k, o in self.observations.items() if o.at >= horizon}
            if self.cold is not None:
                self.cold.prune(horizon)
        if self.cold is not None:
            in_parts = self.cold.count()
            if (
                len(self.sessions) + in_parts[0] > rules.max_sessions
                or len(self.observations) + in_parts[1] > rules.max_observations
            ):
                raise NeedsWholeHistory("a total bound binds")
        self.sessions = _newest(self.sessions, rules.max_sessions)
        self.observations = _newest(self.observations, rules.max_observations)
        self.settled = {k: v for k, v in self.settled.items() if k in self.observations}
        # A unit goes with its session (its rest morning): the records it was judged by are
        # later than it, kept as long as it is (a record dropped by a day's bound drops the
        # units it could change, through `forget_after`).
        self.units = {
            k: u
            for k, u in self.units.items()
            if (k[5:] in self.observations if u.rest else k in self.sessions)
        }
        # Only the quiz in effect at the oldest kept record, and later ones, still matter.
        oldest = min((r.at for r in self._timed()), default=None)
        first_cold = None if self.cold is None else self.cold.first()
        if first_cold is not None:
            oldest = first_cold if oldest is None else min(oldest, first_cold)
        if oldest is not None:
            quizzes = sorted(self.quizzes.values(), key=lambda q: (q.at, q.response_id))
            before = [q for q in quizzes if q.at <= oldest]
            keep = before[-1:] + [q for q in quizzes if q.at > oldest]
            self.quizzes = {q.response_id: q for q in keep}

    def is_too_old(self, record: Record, rules: Rules) -> bool:
        horizon = self.horizon(rules)
        return not isinstance(record, QuizSeed) and horizon is not None and record.at < horizon


def _cap_day(table: dict[str, Any], record: Session | Observation, rules: Rules) -> Any:
    """Keep at most the day's bound of records on `record`'s UTC day, the first by (time, id);
    returns the record dropped to keep it, if any."""
    cap = (
        rules.max_sessions_per_day
        if isinstance(record, Session)
        else rules.max_observations_per_day
    )
    start = day_start(record.at)
    end = start + timedelta(days=1)
    same = [r for r in table.values() if start <= r.at < end]  # its UTC day
    if len(same) <= cap:
        return None
    dropped = max(same, key=lambda r: (r.at, record_id(r)))
    del table[record_id(dropped)]
    return dropped


def _newest(table: dict[str, Any], cap: int) -> dict[str, Any]:
    if len(table) <= cap:
        return table
    kept = in_time_order(list(table.values()))[-cap:]
    return {record_id(r): r for r in kept}
