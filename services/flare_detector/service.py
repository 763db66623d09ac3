"""Use cases of the flare detector: apply one event to the user's history, emit what is new;
describe a user's flares. The unit of work (the bus's, one per event) commits the history,
the removal and flare records and their outbox events together, or none of them."""

from __future__ import annotations

import uuid
from typing import Any

from services.flare_detector import store
from services.flare_detector.domain.detector import FlareNote, ingest
from services.flare_detector.domain.history import Decision, History
from services.flare_detector.domain.report import describe_flares
from services.flare_detector.domain.rules import Rules
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.flares import ExerciseRemoved, FlareDetected, RemovalEvidence
from shared.events.painlog import PainLogged, SessionDone
from shared.events.quiz import QuizCompleted
from shared.observability.logging import get_logger
from shared.observability.metrics import EXERCISES_REMOVED, FLARES_DETECTED

log = get_logger(__name__)
Consumed = SessionDone | PainLogged | QuizCompleted


async def apply_event(uow: UnitOfWork, event: Consumed, rules: Rules) -> None:
    """Load the user's history (locked), ingest the event, save it, emit new decisions."""
    session, tenant_id, user_id = uow.session, event.tenant_id, event.user_id
    now = utc_now()
    stored, version = await store.lock_history(session, tenant_id, user_id, now)
    history = History.from_json(stored)
    step = ingest(history, event, rules, now)
    if not step.changed:
        log.info("flare_event_unchanged", event_id=str(event.event_id), event_type=event.event_type)
        return
    await store.save_history(session, tenant_id, user_id, history.to_json(), version, now)
    emitted = await store.removal_keys(session, tenant_id, user_id)
    for decision in step.removals:
        if decision.key not in emitted:
            await _emit_removal(uow, tenant_id, user_id, decision)
    notified = await store.notified_flares(session, tenant_id, user_id)
    for flare in step.flares:
        if flare.log_id not in notified:
            await _emit_flare(uow, tenant_id, user_id, flare)


async def _emit_removal(uow: UnitOfWork, tenant_id: str, user_id: str, d: Decision) -> None:
    event_id = uuid.uuid5(
        uuid.NAMESPACE_URL,
        f"spinefit:exercise-removed:{tenant_id}:{user_id}:{d.exercise_id}:{d.rule}:{d.severity}",
    )
    evidence = RemovalEvidence.model_validate(d.evidence)
    await store.add_removal(
        uow.session,
        tenant_id=tenant_id,
        user_id=user_id,
        exercise_id=d.exercise_id,
        rule=d.rule,
        severity=d.severity,
        event_id=event_id,
        decided_at=d.at,
        evidence=evidence.model_dump(mode="json"),
        emitted_at=utc_now(),
    )
    await uow.emit(
        ExerciseRemoved(
            event_id=event_id,
            tenant_id=tenant_id,
            user_id=user_id,
            occurred_at=d.at,
            exercise_id=d.exercise_id,
            rule=d.rule,  # type: ignore[arg-type]
            severity=d.severity,  # type: ignore[arg-type]
            evidence=evidence,
            decided_at=d.at,
        )
    )
    EXERCISES_REMOVED.labels(d.rule, d.severity).inc()
    # Ids and the rule only: the evidence is health data and stays out of the logs.
    log.info("exercise_removed", exercise_id=d.exercise_id, rule=d.rule, severity=d.severity)


async def _emit_flare(uow: UnitOfWork, tenant_id: str, user_id: str, f: FlareNote) -> None:
    flare_id = store.flare_id(tenant_id, user_id, f.log_id)
    await store.add_flare(
        uow.session,
        tenant_id=tenant_id,
        user_id=user_id,
        log_id=f.log_id,
        flare_id=flare_id,
        observed_at=f.observed_at,
        level=f.level,
        baseline=f.baseline,
        spread_further=f.spread,
        emitted_at=utc_now(),
    )
    await uow.emit(
        FlareDetected(
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
    )
    FLARES_DETECTED.inc()
    log.info("flare_detected", log_id=f.log_id, flare_id=str(flare_id))


async def user_flares(
    session: Any, tenant_id: str, user_id: str, rules: Rules
) -> dict[str, Any] | None:
    stored = await store.read_history(session, tenant_id, user_id)
    if stored is None:
        return None
    removals = await store.list_removals(session, tenant_id, user_id)
    history = History.from_json(stored)
    keys = [(r["exercise_id"], r["rule"], r["severity"]) for r in removals]
    body = describe_flares(history, rules, keys)
    return {
        "user_id": user_id,
        **body,
        "removals": [
            {
                "exercise_id": r["exercise_id"],
                "rule": r["rule"],
                "severity": r["severity"],
                "decided_at": r["decided_at"].isoformat(),
                "evidence": r["evidence"],
            }
            for r in removals
        ],
    }
