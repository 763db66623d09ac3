"""Removals: rule one at once, delayed attribution at checkpoints closed by the watermark.

Rule one (DOMAIN.md section 4) is judged per report: an exercise reported with burning,
shooting or radiating pain, or pain further down the leg than usual, is removed now.

Delayed attribution is replayed in event time. A checkpoint is the moment a session's last
window closes (`completed_at` + the end of the last window). It is evaluated once the
watermark (the user's latest event time minus `allowed_lateness_h`) has passed it, using only
records earlier than the checkpoint, and the removals already made at earlier checkpoints.
So every evaluation sees the same records whatever order they arrived in, as long as each
arrived within the allowed lateness (see docs/flare_detector.md for the exact guarantee).

At a checkpoint, exercises are blamed greedily: the candidate with the strongest evidence
(smallest p-value) that passes is blamed, then every other exercise is judged again with the
sessions containing a blamed exercise set aside, and so on. An exercise that only "flared"
alongside a blamed one is thus explained by it, whenever other sessions separate them; one
that was never done without it, or was done in every session, cannot be separated and is
reported so (never removed on that evidence).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from services.flare_detector.domain.attribution import close_units, unit_counts, units_at
from services.flare_detector.domain.evidence import DecisionEvidence
from services.flare_detector.domain.exercise_evidence import (
    INFORMATIVE,
    Evidence,
    Tally,
    evidence,
    posterior_share,
)
from services.flare_detector.domain.flares import is_rule_one, quiz_in_effect
from services.flare_detector.domain.history import Decision, History, Settled
from services.flare_detector.domain.records import Observation, QuizSeed, Session, in_time_order
from services.flare_detector.domain.rules import RULE_ONE_QUALITIES, Rules


@dataclass(frozen=True)
class Report:
    """A report that fires rule one: a session's exercise or an after-exercise pain log."""

    report_id: str
    exercise_id: str
    at: datetime


def rule_one_reports(history: History) -> list[Report]:
    found = reports_of(
        history.sessions.values(), history.observations.values(), history.quizzes.values()
    )
    if history.cold is not None:
        found.extend(history.cold.reports())
    return sorted(found, key=lambda r: (r.at, r.report_id))


def reports_of(
    sessions: Iterable[Session], observations: Iterable[Observation], quizzes: Iterable[QuizSeed]
) -> list[Report]:
    """The rule-one reports among these records, judged against these quizzes."""
    in_order = in_time_order(list(quizzes))

    def fires(qualities: tuple[str, ...], locations: tuple[str, ...], at: datetime) -> bool:
        if RULE_ONE_QUALITIES.intersection(qualities):
            return True
        # Only a location can still fire it, against the quiz in effect (the costly part).
        return bool(locations) and is_rule_one((), locations, quiz_in_effect(in_order, at))

    found = []
    for s in sessions:
        for r in s.reports:
            if fires(r.qualities, r.locations, s.started_at):
                found.append(Report(f"session:{s.session_id}:{r.exercise_id}", r.exercise_id, s.at))
    for o in observations:
        if (
            o.context == "after_exercise"
            and o.exercise_id is not None
            and fires(o.qualities, o.locations, o.at)
        ):
            found.append(Report(f"log:{o.log_id}", o.exercise_id, o.at))
    return found


def immediate_decisions(history: History) -> list[Decision]:
    """One rule-one removal per exercise, with every report that fired it so far."""
    by_exercise: dict[str, list[Report]] = {}
    for report in rule_one_reports(history):
        by_exercise.setdefault(report.exercise_id, []).append(report)
    return [
        Decision(
            exercise_id=exercise_id,
            rule="immediate",
            severity="confirmed",
            at=reports[0].at,
            rank=-1,
            evidence=DecisionEvidence(
                exposures=_exposures(history, exercise_id),
                flares_after=0,
                flares_without=0,
                sessions_without=0,
                windows=("during",),
                statistic="rule_one",
                report_ids=tuple(r.report_id for r in reports),
                note="burning, shooting or radiating pain, or pain further down the leg, "
                "during or right after the exercise",
            ),
        )
        for exercise_id, reports in sorted(by_exercise.items())
    ]


def checkpoints_due(history: History, rules: Rules) -> list[datetime]:
    mark = history.watermark(rules)
    if mark is None:
        return []
    end = rules.window_end
    after = history.last_checkpoint
    # The sessions whose windows close in (after, mark]: compared before adding `end`.
    last, first = mark - end, None if after is None else after - end
    return sorted(
        {
            s.at + end
            for s in history.sessions.values()
            if s.at <= last and (first is None or s.at > first)
        }
    )


def advance(history: History, classes: dict[str, Settled], rules: Rules) -> list[Decision]:
    """Evaluate every checkpoint the watermark has passed; returns the new replay decisions."""
    made: list[Decision] = []
    due = checkpoints_due(history, rules)
    close_units(history, classes, rules)
    if not due:
        return made
    if none_can_blame(history, rules, due):
        history.last_checkpoint = due[-1]
        return made
    immediate = immediate_decisions(history)
    for checkpoint in due:
        sessions = units_at(history, rules, checkpoint)
        prior = [d for d in history.replay if d.at < checkpoint]
        removed_now = [d for d in immediate if d.at < checkpoint]
        new = decide_at(checkpoint, sessions, prior, removed_now, rules)
        history.replay.extend(new)
        made.extend(new)
        history.last_checkpoint = checkpoint
    return made


def none_can_blame(history: History, rules: Rules, due: Sequence[datetime]) -> bool:
    """Whether none of several checkpoints due at once can blame an exercise: the units of
    all their lookbacks together (each one judges some of them) have too few flares after
    every exercise (`_too_few_flares`). Then each would decide nothing; a user with several
    sessions a day closes four or five per event, and is spared counting each one's."""
    if len(due) < 2:
        return False
    counts = unit_counts(history, rules, due[-1], due[0])
    # As `_too_few_flares` on their tallies, straight from the counter (no tally built).
    tallies = [Tally(e, o, r, n) for (e, o, r), n in counts.items() if o == "flare" and n > 0]
    return _too_few_flares(tallies, rules)


def decide_at(
    checkpoint: datetime,
    sessions: Sequence[Tally],
    prior: Sequence[Decision],
    immediate: Sequence[Decision],
    rules: Rules,
) -> list[Decision]:
    """The removals made at `checkpoint` (`_decide`); none, without judging each exercise,
    when too few flares follow any exercise to pass either level."""
    if _too_few_flares(sessions, rules):
        return []
    return _decide(checkpoint, sessions, prior, immediate, rules)


def _too_few_flares(sessions: Sequence[Tally], rules: Rules) -> bool:
    """No exercise is followed by as many flares as a level needs (`_level`: its evidence's
    `flares_after`, which setting sessions aside can only lower): nothing can pass, so
    nothing is blamed. Most checkpoints of most users are so; this costs one pass."""
    least = min(rules.suspect_min_flares, rules.confirm_min_flares)
    if least <= 0:
        return False
    after: Counter[str] = Counter()
    for s in sessions:
        if s.outcome == "flare" and not s.rest:
            for e in s.exercises:
                after[e] += s.count
    return all(n < least for n in after.values())


def _decide(
    checkpoint: datetime,
    sessions: Sequence[Tally],
    prior: Sequence[Decision],
    immediate: Sequence[Decision],
    rules: Rules,
) -> list[Decision]:
    blamed = [d.exercise_id for d in sorted(prior, key=lambda d: d.rank)]
    blamed = list(dict.fromkeys([*(d.exercise_id for d in immediate), *blamed]))
    suspected = {d.exercise_id for d in prior if d.severity == "suspected"}
    confirmed = {d.exercise_id for d in prior if d.severity == "confirmed"}
    fixed = frozenset(d.exercise_id for d in immediate)
    done_with = fixed | confirmed
    next_rank = max((d.rank for d in prior), default=-1) + 1
    candidates = sorted(
        {e for s in sessions if s.outcome in INFORMATIVE for e in s.exercises} - done_with
    )
    made: list[Decision] = []
    while True:
        passing: dict[str, tuple[str, Evidence]] = {}
        for e in candidates:
            aside = _aside_for(e, blamed, sessions, rules, fixed)
            ev = evidence(e, sessions, aside)
            if ev.flares_after >= rules.suspect_min_flares:
                share = posterior_share(e, sessions, candidates, aside)
                ev = replace(ev, share=share)
            level = _level(ev, rules)
            if level is not None and not (e in suspected and level == "suspected"):
                passing[e] = (level, ev)
        chosen = _strongest_separated(passing, candidates, sessions, blamed, rules, fixed)
        if chosen is None:
            return made
        level, ev = passing[chosen]
        if level == "confirmed" and chosen not in suspected:
            # Suspected first, as the product promises: both go out at this checkpoint.
            made.append(_delayed(chosen, "suspected", checkpoint, next_rank, ev, rules))
            next_rank += 1
        made.append(_delayed(chosen, level, checkpoint, next_rank, ev, rules))
        next_rank += 1
        if chosen not in blamed:
            blamed.append(chosen)
        suspected.add(chosen)
        if level == "confirmed":
            candidates.remove(chosen)


def _aside_for(
    e: str,
    blamed: Sequence[str],
    sessions: Sequence[Tally],
    rules: Rules,
    fixed: frozenset[str] = frozenset(),
) -> list[str]:
    """The blamed exercises whose sessions are set aside when judging `e`: their flares are
    explained by them. A rule-one removal (`fixed`) always; a delayed one unless `e` beats
    it head to head (the sessions with `e` but not it flare more often than those with it
    but not `e`), so that an exercise blamed on flares that `e` explains better (it was
    done alongside `e`) does not hide `e`'s evidence."""
    return [
        b
        for b in blamed
        if b != e and (b in fixed or not _beats(e, b, sessions, fixed - {e, b}, rules))
    ]


def _strongest_separated(
    passing: dict[str, tuple[str, Evidence]],
    others: Sequence[str],
    sessions: Sequence[Tally],
    blamed: list[str],
    rules: Rules,
    fixed: frozenset[str],
) -> str | None:
    """The passing exercise with the smallest p-value that no other exercise explains.

    Two exercises are compared head to head on the sessions that separate them (one without
    the other): `f` explains `e` when the sessions with `f` but without `e` flare at least as
    often as the sessions with `e` but without `f` (rates with half a flare added to each
    side, so that one or two sessions cannot decide it alone). When the two were only ever
    done together, nothing separates them: `e` is explained if `f` passes too (neither is
    blamed until other sessions separate them)."""
    eligible = [
        e
        for e in passing
        if not any(
            _explains(f, e, sessions, blamed, f in passing, rules, fixed) for f in others if f != e
        )
    ]
    if not eligible:
        return None
    return min(eligible, key=lambda e: (passing[e][1].p_value, e))


def _explains(
    f: str,
    e: str,
    sessions: Sequence[Tally],
    blamed: list[str],
    f_passes: bool,
    rules: Rules,
    fixed: frozenset[str],
) -> bool:
    aside = set(_aside_for(e, blamed, sessions, rules, fixed)) - {e, f}
    e_only, f_only = _apart(e, f, sessions, aside)
    if e_only[1] == 0 and f_only[1] == 0:
        return f_passes
    return _rate(f_only) >= _rate(e_only)


def _beats(e: str, f: str, sessions: Sequence[Tally], aside: Iterable[str], rules: Rules) -> bool:
    """`e` clearly flares more often than `f` in the sessions that separate them: at least
    `suspect_min_flares` flares there, and a rate higher by `suspect_margin`."""
    e_only, f_only = _apart(e, f, sessions, set(aside))
    return (
        e_only[0] >= rules.suspect_min_flares
        and _rate(e_only) - _rate(f_only) >= rules.suspect_margin
    )


def _apart(
    e: str, f: str, sessions: Sequence[Tally], aside: set[str]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(flares, sessions) with `e` but not `f`, and with `f` but not `e`. As in `evidence`,
    a confounded flare does not count against `e`, but does against `f`."""
    e_flares = e_only = f_flares = f_only = 0
    for s in sessions:
        if s.outcome not in INFORMATIVE or aside.intersection(s.exercises):
            continue
        has_e, has_f = e in s.exercises, f in s.exercises
        if has_e and not has_f:
            e_only += s.count
            e_flares += s.count * (s.outcome == "flare")
        elif has_f and not has_e:
            f_only += s.count
            f_flares += s.count * (s.outcome in ("flare", "confounded"))
    return (e_flares, e_only), (f_flares, f_only)


def _rate(counts: tuple[int, int]) -> float:
    """A flare rate with half a flare added, so that one or two sessions cannot decide."""
    return (counts[0] + 0.5) / (counts[1] + 1)


@dataclass(frozen=True, slots=True)
class Unseparable:
    """An exercise with flares after it that the sessions cannot tell apart from others
    (`together`: the blamed exercises it was always done with)."""

    exercise_id: str
    reason: str
    together: tuple[str, ...] = ()


def unseparable(
    sessions: Sequence[Tally], blamed: Sequence[str], rules: Rules
) -> list[Unseparable]:
    """Exercises with flares after them that the sessions cannot tell apart from others."""
    found = []
    exercises = sorted({e for s in sessions for e in s.exercises})
    for e in exercises:
        if e in blamed:
            continue
        alone = evidence(e, sessions)
        if alone.flares_after < rules.suspect_min_flares:
            continue
        if alone.sessions_without == 0:
            found.append(Unseparable(e, "done in every session"))
            continue
        aside = evidence(e, sessions, blamed)
        if aside.exposures == 0:
            together = [
                b
                for b in blamed
                if all(
                    b in s.exercises
                    for s in sessions
                    if e in s.exercises and s.outcome in INFORMATIVE
                )
            ]
            found.append(Unseparable(e, "never done without", tuple(together or blamed)))
    return found


def _level(ev: Evidence, rules: Rules) -> str | None:
    if ev.sessions_without < rules.min_sessions_without:
        return None  # done in (nearly) every session: cannot be separated, never guessed
    if (
        ev.flares_after >= rules.confirm_min_flares
        and ev.difference >= rules.confirm_margin
        and ev.p_value <= rules.confirm_alpha
        and ev.share >= rules.confirm_min_share
    ):
        return "confirmed"
    if (
        ev.flares_after >= rules.suspect_min_flares
        and ev.difference >= rules.suspect_margin
        and ev.p_value <= rules.suspect_alpha
        and ev.share >= rules.suspect_min_share
    ):
        return "suspected"
    return None


def _delayed(
    e: str, severity: str, checkpoint: datetime, rank: int, ev: Evidence, rules: Rules
) -> Decision:
    alpha = rules.confirm_alpha if severity == "confirmed" else rules.suspect_alpha
    margin = rules.confirm_margin if severity == "confirmed" else rules.suspect_margin
    minimum = rules.confirm_min_flares if severity == "confirmed" else rules.suspect_min_flares
    share = rules.confirm_min_share if severity == "confirmed" else rules.suspect_min_share
    return Decision(
        exercise_id=e,
        rule="delayed",
        severity=severity,
        at=checkpoint,
        rank=rank,
        evidence=DecisionEvidence(
            exposures=ev.exposures,
            flares_after=ev.flares_after,
            flares_without=ev.flares_without,
            sessions_without=ev.sessions_without,
            confounded_after=ev.confounded_after,
            rate_with=round(ev.rate_with, 4),
            rate_without=round(ev.rate_without, 4),
            windows=tuple(w.label for w in rules.windows),
            statistic="fisher_exact_one_sided_p",
            value=ev.p_value,
            threshold=alpha,
            margin=margin,
            min_flares=minimum,
            set_aside_with=tuple(ev.set_aside),
            rest_mornings=ev.rest_mornings,
            rest_flares=ev.rest_flares,
            posterior_share=round(ev.share, 4),
            min_share=share,
            min_sessions_without=rules.min_sessions_without,
            lookback_days=rules.lookback_days,
            checkpoint=checkpoint,
        ),
    )


def _exposures(history: History, exercise_id: str) -> int:
    """Kept sessions with the exercise: those loaded, and the closed ones (all kept)."""
    ids = {k for k, s in history.sessions.items() if exercise_id in s.exercises}
    ids.update(
        k for k, u in history.units.items() if not u.rest and exercise_id in u.session.exercises
    )
    cold = 0 if history.cold is None else history.cold.exposures(exercise_id)
    return len(ids) + cold
