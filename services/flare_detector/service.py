"""Use cases of the flare detector that write: apply a batch of events to the users'
histories, emit what is new (reads: `services.flare_detector.reads`). The unit of work (the
bus's, one per batch) commits the histories, the removal and flare records and their outbox
events together, or none of them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.flare_detector import store
from services.flare_detector.domain import parts_json, tiers, tiers_apply
from services.flare_detector.domain.detector import FlareNote, record_of
from services.flare_detector.domain.history import Decision
from services.flare_detector.domain.history_json import dump_history, load_history
from services.flare_detector.domain.rules import Rules
from shared.db.uow import UnitOfWork
from shared.events.base import Event, utc_now
from shared.events.flares import ExerciseRemoved, FlareDetected, RemovalEvidence
from shared.events.painlog import PainLogged, SessionDone
from shared.events.quiz import QuizCompleted
from shared.observability.logging import get_logger
from shared.observability.metrics import EXERCISES_REMOVED, FLARES_DETECTED

log = get_logger(__name__)
Consumed = SessionDone | PainLogged | QuizCompleted


async def apply_event(uow: UnitOfWork, event: Consumed, rules: Rules) -> None:
    """One event: a batch of one."""
    await apply_events(uow, [event], rules)


async def apply_events(uow: UnitOfWork, events: Sequence[Consumed], rules: Rules) -> None:
    """A batch (what one read returned, in stream order) as one unit: the users it touches
    locked and their summaries loaded in one statement, the parts their checkpoints read in
    another (domain/tiers.py), each user's events applied in order, and the changed
    summaries, parts, new removals, new flares and their outbox events written with one
    statement each. A user whose events can change what the summary does not hold gets
    them applied to the whole history (every part read, and rewritten)."""
    if not events:
        return
    session, now = uow.session, utc_now()
    by_user: dict[store.UserKey, list[Consumed]] = {}
    for event in events:
        by_user.setdefault((event.tenant_id, event.user_id), []).append(event)
    keys = sorted(by_user)
    # Load.
    stored = await store.lock_histories(session, keys, now)
    emitted = await store.removal_keys(session, keys)
    # Decide (the domain's tiers; the parts a user's events turn out to need are read).
    applied = await _apply(session, by_user, stored, rules, now)
    changes = _changes(by_user, applied, stored, emitted)
    # Save.
    await store.save_histories(session, changes.histories, now)
    await store.write_parts(session, changes.dropped, changes.written)
    notified = await store.notified_flares(session, sorted(changes.flares))
    removed = [(_removal(key, d), d) for key, d in changes.removals]
    notes = [
        (_flare(k[0], k[1], f), f) for k, f in sorted(changes.flares.items()) if k not in notified
    ]
    await store.add_removals(session, [_removal_record(e, d, now) for e, d in removed])
    await store.add_flares(session, [_flare_record(e, f, now) for e, f in notes])
    # Emit.
    await _emit(uow, [*(e for e, _ in removed), *(e for e, _ in notes)])


async def _apply(
    session: AsyncSession,
    by_user: dict[store.UserKey, list[Consumed]],
    stored: dict[store.UserKey, store.StoredHistory],
    rules: Rules,
    now: datetime,
) -> dict[store.UserKey, tiers_apply.Applied]:
    """Each user's events applied to their summary, with the units of the parts its
    checkpoints read; to the whole history (every part read) when the summary cannot hold
    what they change."""
    keys = sorted(by_user)
    limit = now + timedelta(hours=rules.max_clock_skew_h)
    summaries = {k: load_history(stored[k].history) for k in keys}
    plans = {
        k: tiers.parts_needed(summaries[k], [record_of(e) for e in by_user[k]], rules, limit)
        for k in keys
    }
    whole = [k for k in keys if plans[k] is None]
    wanted = [(*k, day, kind) for k in keys for day, kind in plans[k] or ()]
    units = await store.read_part_units(session, wanted)
    applied: dict[store.UserKey, tiers_apply.Applied] = {}
    retried: set[store.UserKey] = set()
    for key in keys:
        plan = plans[key]
        if plan is None:
            continue
        loaded = units.get(key, {})
        try:
            applied[key] = tiers_apply.apply_to_summary(
                summaries[key],
                {p: parts_json.load_units(loaded[p]) for p in plan if p in loaded},
                by_user[key],
                rules,
                now,
            )
        except tiers.NeedsWholeHistory as why:
            log.info("flare_history_whole", reason=str(why))
            whole.append(key)
            retried.add(key)
    # A summary kept whole (no parts: `cold` None) needs no read.
    parts = await store.read_parts(session, [k for k in whole if summaries[k].cold is not None])
    for key in whole:
        # A summary the events were tried on and refused is read again; the others are
        # as loaded.
        summary = load_history(stored[key].history) if key in retried else summaries[key]
        applied[key] = tiers_apply.apply_to_whole(
            summary,
            {p: load_history(v) for p, v in parts.get(key, {}).items()},
            by_user[key],
            rules,
            now,
        )
    return applied


@dataclass
class _Changes:
    """What a batch changed: the histories to write back (history, version read), the parts
    to drop and write, the removals not emitted before and the flares it found."""

    histories: dict[store.UserKey, tuple[store.HistoryJson, int]] = field(default_factory=dict)
    dropped: list[store.PartRef] = field(default_factory=list)
    written: list[tuple[store.PartRef, Any, Any]] = field(default_factory=list)
    removals: list[tuple[store.UserKey, Decision]] = field(default_factory=list)
    flares: dict[tuple[str, str, str], FlareNote] = field(default_factory=dict)


def _changes(
    by_user: dict[store.UserKey, list[Consumed]],
    applied: dict[store.UserKey, tiers_apply.Applied],
    stored: dict[store.UserKey, store.StoredHistory],
    emitted: dict[store.UserKey, set[store.RemovalKey]],
) -> _Changes:
    changes = _Changes()
    for key in sorted(by_user):
        result, done = applied[key], emitted[key]
        touched = False
        for event, step in zip(by_user[key], result.steps, strict=True):
            if not step.changed:
                log.info(
                    "flare_event_unchanged",
                    event_id=str(event.event_id),
                    event_type=event.event_type,
                )
                continue
            touched = True
            for decision in step.removals:
                if decision.key not in done:
                    done.add(decision.key)
                    changes.removals.append((key, decision))
            for flare in step.flares:
                changes.flares.setdefault((*key, flare.log_id), flare)
        if touched or result.written or result.dropped:
            changes.histories[key] = (dump_history(result.history), stored[key].version)
            changes.dropped.extend((*key, day, kind) for day, kind in result.dropped)
            changes.written.extend(
                ((*key, day, kind), part, units)
                for (day, kind), (part, units) in result.written.items()
            )
    return changes


async def _emit(uow: UnitOfWork, out: list[Event]) -> None:
    await uow.emit(*out)
    for e in out:
        if isinstance(e, ExerciseRemoved):
            EXERCISES_REMOVED.labels(e.rule, e.severity).inc()
            # Ids and the rule only: the evidence is health data and stays out of the logs.
            log.info(
                "exercise_removed", exercise_id=e.exercise_id, rule=e.rule, severity=e.severity
            )
        elif isinstance(e, FlareDetected):
            FLARES_DETECTED.inc()
            log.info("flare_detected", log_id=e.log_id, flare_id=str(e.flare_id))


def _removal(key: store.UserKey, d: Decision) -> ExerciseRemoved:
    tenant_id, user_id = key
    event_id = uuid.uuid5(
        uuid.NAMESPACE_URL,
        f"spinefit:exercise-removed:{tenant_id}:{user_id}:{d.exercise_id}:{d.rule}:{d.severity}",
    )
    return ExerciseRemoved(
        event_id=event_id,
        tenant_id=tenant_id,
        user_id=user_id,
        occurred_at=d.at,
        exercise_id=d.exercise_id,
        rule=d.rule,  # type: ignore[arg-type]
        severity=d.severity,  # type: ignore[arg-type]
        # The event's model of the domain's evidence (the same fields), checked once per
        # removal.
        evidence=RemovalEvidence.model_validate(d.evidence, from_attributes=True),
        decided_at=d.at,
    )


def _removal_record(e: ExerciseRemoved, d: Decision, now: datetime) -> store.StoredRemoval:
    return store.StoredRemoval(
        tenant_id=e.tenant_id,
        user_id=e.user_id,
        exercise_id=e.exercise_id,
        rule=e.rule,
        severity=e.severity,
        event_id=e.event_id,
        decided_at=e.decided_at,
        evidence=d.evidence,
        emitted_at=now,
    )


def _flare(tenant_id: str, user_id: str, f: FlareNote) -> FlareDetected:
    flare_id = store.flare_id(tenant_id, user_id, f.log_id)
    return FlareDetected(
        event_id=uuid.uuid5(flare_id, "flare-detected"),
        tenant_id=tenant_id,
        user_id=user_id,
        occurred_at=f.observed_at,
        flare_id=flare_id,
        log_id=f.log_id,
        observed_at=f.observed_at,
        level=f.level,
        baseline=min(f.baseline, 10.0),
        spread_further=f.spread,
    )


def _flare_record(e: FlareDetected, f: FlareNote, now: datetime) -> store.StoredFlare:
    return store.StoredFlare(
        tenant_id=e.tenant_id,
        user_id=e.user_id,
        log_id=e.log_id,
        flare_id=e.flare_id,
        observed_at=e.observed_at,
        level=e.level,
        baseline=f.baseline,  # the detector's own (the event's is capped at 10)
        spread_further=e.spread_further,
        emitted_at=now,
    )
