"""Use cases of the painlog service that write: record sessions and pain logs (store and emit
in one unit of work) and keep the flare detector's verdicts. Reads: `services.painlog.reads`."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Table

from services.painlog import store
from services.painlog.records import StoredFlare, StoredPainLog, StoredRemoval, StoredSession
from shared.db.records import Fresh
from shared.db.statements import insert_if_new
from shared.db.uow import UnitOfWork
from shared.events.base import Event, Frozen, built, utc_now
from shared.events.flares import ExerciseRemoved, FlareDetected
from shared.events.painlog import PainLogged, PainReport, SessionDone, SessionReport
from shared.observability.context import current_correlation_id
from shared.observability.logging import get_logger

log = get_logger(__name__)
E = TypeVar("E", bound=Event)

Answer = tuple[int, dict[str, Any]]
# (uow, tenant_id, user_id, report, the report's fingerprint) -> the answer.
Recorder = Callable[[UnitOfWork, str, str, Any, str], Awaitable[Answer]]
# (tenant_id, user_id, report, the report's fingerprint) -> the report as stored when new.
Freshener = Callable[[str, str, Any, str], Fresh]


class IdReused(Exception):
    """A client id (`session_id`, `log_id`) sent again with different content."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"{field} {value!r} was already used for a different report")
        self.field = field


Found = Callable[[], Awaitable[StoredSession | StoredPainLog | None]]


async def _store_once(
    uow: UnitOfWork,
    table: Table,
    row: dict[str, Any],
    print_: str,
    found: Found,
    event: Callable[[], Event],
    id_field: str,
) -> datetime:
    """A report is stored once per client id. New: the row (its insert values, receipt
    included: one INSERT .. ON CONFLICT DO NOTHING, no SELECT first) and its event; returns
    when it was received. The same content again is a replay (the stored receipt, nothing
    emitted); other content under the same id is refused."""
    if await insert_if_new(uow.session, table, row):
        await uow.emit(event())
        log.info("report_recorded", user_id=row["user_id"], **{id_field: row[id_field]})
        received_at: datetime = row["received_at"]
        return received_at
    stored = await found()
    if stored is None:  # the conflicting row is committed (insert_if_new); cannot vanish
        raise RuntimeError(f"{id_field} {row[id_field]!r} conflicted but is not stored")
    if stored.fingerprint != print_:
        raise IdReused(id_field, row[id_field])
    return stored.received_at


def _event(cls: type[E], report: Frozen, **envelope: Any) -> E:
    """The report inside its event envelope, without validating it a second time: the route
    validated it against the same fields (the request body is the event's payload), the
    tenant comes from the key replica and the user id from the validated path."""
    # The envelope's defaults given here: default factories are slow to run.
    return built(
        cls,
        **report.__dict__,
        event_id=uuid.uuid4(),
        emitted_at=utc_now(),
        correlation_id=current_correlation_id(),
        **envelope,
    )


def _session_done(tenant_id: str, user_id: str, report: SessionReport) -> SessionDone:
    return _event(
        SessionDone, report, tenant_id=tenant_id, user_id=user_id, occurred_at=report.completed_at
    )


def _session_answer(report: SessionReport, received_at: datetime) -> dict[str, Any]:
    """The body of `views.SessionAccepted` (built as JSON values: the ingest path)."""
    return {
        "status": "accepted",
        "session_id": report.session_id,
        "received_at": received_at.isoformat(),
    }


def fresh_session(tenant_id: str, user_id: str, report: SessionReport, print_: str) -> Fresh:
    """The session as stored when its session_id is new: row, event, answer (no reads)."""
    received_at = utc_now()
    return Fresh(
        store.sessions,
        store.session_values(tenant_id, user_id, report, received_at, print_),
        [_session_done(tenant_id, user_id, report)],
        202,
        _session_answer(report, received_at),
    )


async def record_session(
    uow: UnitOfWork, tenant_id: str, user_id: str, report: SessionReport, print_: str
) -> Answer:
    """Store the session and emit `session-done` (event time: `completed_at`). The same
    session again answers as the first time and emits nothing. `print_` is the report's
    fingerprint (`domain.reports.fingerprint`)."""
    received_at = await _store_once(
        uow,
        store.sessions,
        store.session_values(tenant_id, user_id, report, utc_now(), print_),
        print_,
        lambda: store.get_session(uow.session, tenant_id, user_id, report.session_id),
        lambda: _session_done(tenant_id, user_id, report),
        "session_id",
    )
    return 202, _session_answer(report, received_at)


def _pain_logged(tenant_id: str, user_id: str, report: PainReport) -> PainLogged:
    return _event(
        PainLogged, report, tenant_id=tenant_id, user_id=user_id, occurred_at=report.observed_at
    )


def _pain_answer(report: PainReport, received_at: datetime) -> dict[str, Any]:
    """The body of `views.PainAccepted` (built as JSON values: the ingest path)."""
    return {
        "status": "accepted",
        "log_id": report.log_id,
        # In UTC: a retry sent with another zone is the same report and answers the same.
        "observed_at": report.observed_at.astimezone(UTC).isoformat(),
        "received_at": received_at.isoformat(),
    }


def fresh_pain(tenant_id: str, user_id: str, report: PainReport, print_: str) -> Fresh:
    """The pain log as stored when its log_id is new: row, event, answer (no reads)."""
    received_at = utc_now()
    return Fresh(
        store.pain_logs,
        store.pain_log_values(tenant_id, user_id, report, received_at, print_),
        [_pain_logged(tenant_id, user_id, report)],
        202,
        _pain_answer(report, received_at),
    )


async def record_pain(
    uow: UnitOfWork, tenant_id: str, user_id: str, report: PainReport, print_: str
) -> Answer:
    """Store the pain log and emit `pain-logged` (event time: `observed_at`, however late it
    arrives). The same log again answers as the first time and emits nothing."""
    received_at = await _store_once(
        uow,
        store.pain_logs,
        store.pain_log_values(tenant_id, user_id, report, utc_now(), print_),
        print_,
        lambda: store.get_pain_log(uow.session, tenant_id, user_id, report.log_id),
        lambda: _pain_logged(tenant_id, user_id, report),
        "log_id",
    )
    return 202, _pain_answer(report, received_at)


async def keep_flares(events: Sequence[FlareDetected], uow: UnitOfWork) -> None:
    await store.add_flares(
        uow.session,
        [
            StoredFlare(
                tenant_id=e.tenant_id,
                user_id=e.user_id,
                flare_id=e.flare_id,
                log_id=e.log_id,
                observed_at=e.observed_at,
                level=e.level,
                baseline=e.baseline,
                spread_further=e.spread_further,
            )
            for e in events
        ],
    )


async def keep_removals(events: Sequence[ExerciseRemoved], uow: UnitOfWork) -> None:
    await store.add_removals(
        uow.session,
        [
            StoredRemoval(
                tenant_id=e.tenant_id,
                user_id=e.user_id,
                exercise_id=e.exercise_id,
                decided_at=e.decided_at,
                rule=e.rule,
                severity=e.severity,
            )
            for e in events
        ],
    )
