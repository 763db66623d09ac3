"""Linking sessions to the flares in fixed windows after them (DOMAIN.md section 4,
"Delayed response"): each session's outcome, and the units a checkpoint counts.

A session's outcome, once its windows have closed:
- `flare`: a new, unconfounded flare in one of its windows;
- `confounded`: only new flares that the morning log explains (lifting, sitting, stress);
- `in_flare`: only flares continuing an episode that was already going on (no evidence);
- `calm`: pain was reported in its windows and none of it was a flare;
- `unobserved`: nothing was reported in its windows (no evidence either way).

Evidence for exercise `e` from these outcomes, and its statistic, are
domain/exercise_evidence.py's.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from services.flare_detector.domain.exercise_evidence import INFORMATIVE, Tally, tally_counts
from services.flare_detector.domain.history import History, Link, SessionOutcome, Settled
from services.flare_detector.domain.records import Observation, Session
from services.flare_detector.domain.rules import Rules, Window

REST_WINDOW = Window("rest_morning", 0, 0)


def links_of(session: Session, observations: Sequence[Observation], rules: Rules) -> list[Link]:
    """Observations (in time order) in the session's windows. Of the morning logs, only the
    first one at least the first window's start after the session counts: it is the session's
    "next morning"; a second morning inside 36 h belongs to the next day."""
    found = []
    first_start = rules.first_window_start
    morning_seen = False
    for obs in observations:
        lag = obs.at - session.at
        if obs.context == "next_morning" and lag >= first_start:
            if morning_seen:
                continue
            morning_seen = True
        for window, start, end in rules.window_bounds:
            if start <= lag < end:
                found.append(Link(obs.log_id, window, lag.total_seconds() / 3600))
    return found


def outcomes(
    history: History,
    classes: dict[str, Settled],
    rules: Rules,
    checkpoint: datetime,
) -> list[SessionOutcome]:
    """Outcomes of the sessions whose windows closed by `checkpoint`, within the lookback;
    with `rules.rest_mornings_as_control`, also of the rest mornings before `checkpoint`
    (morning logs with no session in the `window_end` before them), linked afresh from
    every kept record (`GET /flares`; a checkpoint judges `units_at` instead)."""
    start = checkpoint - timedelta(days=rules.lookback_days)
    end = rules.window_end
    sessions = sorted(
        (s for s in history.sessions.values() if s.at >= start and s.at + end <= checkpoint),
        key=lambda s: (s.at, s.session_id),
    )
    observations = sorted(
        (o for o in history.observations.values() if o.at < checkpoint),
        key=lambda o: (o.at, o.log_id),
    )
    index: SessionIndex | None = None
    result = []
    for session in sessions:
        index = index or SessionIndex(history, observations)
        links = tuple(links_of(session, index.owned_by(session, rules), rules))
        result.append(SessionOutcome(session, outcome_of(links, classes), links))
    if rules.rest_mornings_as_control:
        result.extend(_rest_mornings(history, observations, classes, rules, start))
    return result


def close_units(history: History, classes: dict[str, Settled], rules: Rules) -> None:
    """Keep the outcome of every session whose windows the watermark has closed and of every
    rest morning behind it (`history.units`), once: everything an outcome depends on lies
    behind the watermark, so it is the same at every later checkpoint (as a settled class
    is)."""
    mark = history.watermark(rules)
    if mark is None:
        return
    end = rules.window_end
    fresh = sorted(
        (
            s
            for s in history.sessions.values()
            if s.at + end <= mark and s.session_id not in history.units
        ),
        key=lambda s: (s.at, s.session_id),
    )
    if fresh:
        first = fresh[0].at
        observations = sorted(
            (o for o in history.observations.values() if o.at >= first),
            key=lambda o: (o.at, o.log_id),
        )
        index = SessionIndex(history, observations, since=first)
        for session in fresh:
            links = tuple(links_of(session, index.owned_by(session, rules), rules))
            stub = Session(session.session_id, session.at, session.at, session.exercises)
            history.units[session.session_id] = SessionOutcome(stub, outcome_of(links, classes), ())
    if not rules.rest_mornings_as_control:
        return
    # A morning is rest when no session lies in the `end` before it. Each is judged once,
    # when the watermark passes it (every session before it within the lateness is in);
    # only a record that changes an earlier one judges it again (`History.forget_after`),
    # not the pruning of a session long after.
    done: list[datetime] | None = None  # the sessions' times, sorted once a morning needs them
    since = history.judged_until
    history.judged_until = mark if since is None else max(since, mark)
    for obs in history.observations.values():
        if (
            obs.context != "next_morning"
            or obs.at >= mark
            or (since is not None and obs.at < since)
            or f"rest:{obs.log_id}" in history.units
        ):
            continue
        if done is None:
            done = sorted(s.at for s in history.sessions.values())
        i = bisect_left(done, obs.at - end)
        if i < len(done) and done[i] < obs.at:
            continue  # a session's windows (or the time right after it) hold this morning
        key = f"rest:{obs.log_id}"
        link = Link(obs.log_id, REST_WINDOW, 0.0)
        history.units[key] = SessionOutcome(
            Session(key, obs.at, obs.at, ()), outcome_of([link], classes), (), rest=True
        )


def units_at(
    history: History, rules: Rules, checkpoint: datetime, first: datetime | None = None
) -> list[Tally]:
    """What a checkpoint judges (as `outcomes` links it), counted: the closed outcomes of the
    sessions of the lookback whose windows closed by `checkpoint`, and the rest mornings
    before it (`history.cold` adds the days kept out of the row, domain/tiers.py). With
    `first`, an earlier checkpoint: the lookback starts at its start, so the count holds
    every unit that any checkpoint from `first` to `checkpoint` judges."""
    return tally_counts(unit_counts(history, rules, checkpoint, first))


def unit_counts(
    history: History, rules: Rules, checkpoint: datetime, first: datetime | None = None
) -> Counter[tuple[tuple[str, ...], str, bool]]:
    """`units_at` as the counter it tallies (keys (exercises, outcome, rest); a count may be
    zero or less where a part's units were taken out)."""
    start = (first or checkpoint) - timedelta(days=rules.lookback_days)
    end = rules.window_end
    counts: Counter[tuple[tuple[str, ...], str, bool]] = Counter()
    for u in history.units.values():
        at = u.session.at
        if u.outcome not in INFORMATIVE:
            continue  # no evidence either way
        if u.rest:
            if rules.rest_mornings_as_control and start + end <= at < checkpoint:
                counts[((), u.outcome, True)] += 1
        elif at >= start and at + end <= checkpoint:
            counts[(u.session.exercises, u.outcome, False)] += 1
    if history.cold is not None:
        history.cold.count_units(counts, start, rules)
    return counts


class SessionIndex:
    """Which observations are a session's to be judged by (sorted, so each session costs a
    bisect, not a scan of every observation)."""

    def __init__(
        self,
        history: History,
        observations: Sequence[Observation],
        since: datetime | None = None,
    ) -> None:
        self.observations = list(observations)  # in (at, log_id) order
        self._obs_times = [o.at for o in self.observations]
        self._sessions = sorted(
            (s for s in history.sessions.values() if since is None or s.at >= since),
            key=lambda s: (s.at, s.session_id),
        )
        self._session_times = [s.at for s in self._sessions]

    def owned_by(self, session: Session, rules: Rules) -> list[Observation]:
        """Observations within `window_end` after `session` that are evidence about it:
        - not an `after_exercise` log: that is pain during or right after an exercise, about
          that exercise (rule one judges it), not a delayed response to an earlier session;
        - not in a window of a later session done before the observation (the evening after
          today's session also falls within yesterday's 36 h: it is today's)."""
        lo = bisect_right(self._obs_times, session.at)
        hi = bisect_left(self._obs_times, session.at + rules.window_end)
        return [
            o
            for o in self.observations[lo:hi]
            if o.context != "after_exercise" and not self._taken_by_later(session, o, rules)
        ]

    def _taken_by_later(self, session: Session, obs: Observation, rules: Rules) -> bool:
        lo = bisect_right(self._session_times, session.at)
        hi = bisect_left(self._session_times, obs.at)
        for later in self._sessions[lo:hi]:
            lag = obs.at - later.at
            if any(start <= lag < end for _, start, end in rules.window_bounds):
                return True
        return False


def _rest_mornings(
    history: History,
    observations: Sequence[Observation],
    classes: dict[str, Settled],
    rules: Rules,
    start: datetime,
) -> list[SessionOutcome]:
    end = rules.window_end
    done = sorted(s.at for s in history.sessions.values())
    found = []
    for obs in observations:
        if obs.context != "next_morning" or obs.at < start + end:
            continue
        i = bisect_left(done, obs.at - end)
        if i < len(done) and done[i] < obs.at:
            continue  # a session's windows (or the time right after it) hold this morning
        rest = Session(f"rest:{obs.log_id}", obs.at, obs.at, ())
        link = Link(obs.log_id, REST_WINDOW, 0.0)
        found.append(SessionOutcome(rest, outcome_of([link], classes), (link,), rest=True))
    return found


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
