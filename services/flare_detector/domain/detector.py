"""The accumulate-and-decide loop: one record in, the user's removals and flares out.

`ingest` is the only entry point the service (and the simulations) use. It is pure: the
caller loads the user's `History`, calls it, stores the history back, and emits whatever
removal or flare it has not emitted before (keyed by exercise, rule and severity; by log id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.flare_detector.domain.decisions import advance
from services.flare_detector.domain.flares import classify, settle
from services.flare_detector.domain.history import Decision, History, NeedsWholeHistory
from services.flare_detector.domain.records import (
    QuizSeed,
    Record,
    observation_from,
    quiz_from,
    session_from,
)
from services.flare_detector.domain.rule_one import immediate_decisions
from services.flare_detector.domain.rules import Rules
from shared.events.painlog import PainLogged, SessionDone
from shared.events.quiz import QuizCompleted


@dataclass(frozen=True)
class FlareNote:
    log_id: str
    observed_at: datetime
    level: int
    baseline: float
    spread: bool


@dataclass
class Step:
    """What the history now implies: every removal due so far and every flare."""

    removals: list[Decision] = field(default_factory=list)
    flares: list[FlareNote] = field(default_factory=list)
    changed: bool = False


def record_of(event: SessionDone | PainLogged | QuizCompleted) -> Record:
    if isinstance(event, SessionDone):
        return session_from(event)
    if isinstance(event, PainLogged):
        return observation_from(event)
    return quiz_from(event)


def ingest(
    history: History,
    event: SessionDone | PainLogged | QuizCompleted,
    rules: Rules,
    now: datetime | None = None,
) -> Step:
    """Apply one event. `now` is when it is handled (the service passes its clock): an
    event time more than `rules.max_clock_skew_h` after it does not move the watermark
    further than that. Without `now` (replays, simulations) event times are trusted."""
    record = record_of(event)
    if history.is_too_old(record, rules):
        return Step()  # older than anything a future decision can use
    if history.cold is not None and isinstance(record, QuizSeed):
        raise NeedsWholeHistory("a quiz")  # it can change every class and outcome kept
    limit = None if now is None else now + timedelta(hours=rules.max_clock_skew_h)
    latest = history.latest
    mark = history.watermark(rules)
    moment = history.add(record, limit, rules)
    if moment is None and history.latest == latest:
        return Step()  # the same session or log again: nothing changes
    if moment is not None and history.cold is not None and mark is not None and moment < mark:
        raise NeedsWholeHistory("a record later than the allowed lateness")
    if moment is not None:
        # Usually a no-op; for a record later than the allowed lateness, whatever it could
        # change is recomputed (decisions already emitted stay emitted).
        history.forget_after(moment, rules.window_end)
    # (A version of a record already kept can still move the watermark: decide on.)
    classes = classify(history, rules)
    settled = settle(history, classes, rules)
    advance(history, classes, rules)
    notes = flare_notes(history, settled)
    history.prune(rules)
    return Step(
        removals=[*immediate_decisions(history), *history.replay],
        flares=notes,
        changed=True,
    )


def flare_notes(history: History, log_ids: list[str]) -> list[FlareNote]:
    """The flares among these settled observations. A flare is notified once its class is
    settled (behind the watermark: every earlier record within the lateness has arrived),
    so the flares notified are a function of the set of records, like the removals; a class
    judged on arrival would change with the order in which earlier mornings arrived."""
    notes = []
    for log_id in log_ids:
        c, obs = history.settled[log_id], history.observations[log_id]
        if c.flare:
            notes.append(FlareNote(log_id, obs.at, obs.level, c.baseline, c.spread))
    return sorted(notes, key=lambda n: (n.observed_at, n.log_id))
