"""Removals: rule one at once (domain/rule_one.py), delayed attribution at checkpoints closed
by the watermark.

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
reported so (never removed on that evidence). The comparisons that separate exercises are
domain/separation.py's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
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
from services.flare_detector.domain.history import Decision, History, Settled
from services.flare_detector.domain.rule_one import immediate_decisions
from services.flare_detector.domain.rules import Rules
from services.flare_detector.domain.separation import aside_for, strongest_separated


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
            aside = aside_for(e, blamed, sessions, rules, fixed)
            ev = evidence(e, sessions, aside)
            if ev.flares_after >= rules.suspect_min_flares:
                share = posterior_share(e, sessions, candidates, aside)
                ev = replace(ev, share=share)
            level = _level(ev, rules)
            if level is not None and not (e in suspected and level == "suspected"):
                passing[e] = (level, ev)
        chosen = strongest_separated(passing, candidates, sessions, blamed, rules, fixed)
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
