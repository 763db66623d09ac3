"""Use cases of the painlog service: record sessions and pain logs (store and emit in one
unit of work), keep the flare detector's verdicts, and read a user's timeline."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from services.painlog import store
from services.painlog.domain.timeline import (
    ChartData,
    Entry,
    FlareMark,
    PainPoint,
    RemovalMark,
    SessionMark,
    Window,
    in_event_time,
)
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


Found = Callable[[], Awaitable[dict[str, Any] | None]]


async def _store_once(
    uow: UnitOfWork,
    table: Table,
    row: dict[str, Any],
    print_: str,
    found: Found,
    event: Callable[[], Event],
    id_field: str,
) -> dict[str, Any]:
    """A report is stored once per client id. New: the row (one INSERT .. ON CONFLICT DO
    NOTHING, no SELECT first) and its event; returns its receipt. The same content again is a
    replay (the stored receipt, nothing emitted); other content under the same id is refused."""
    receipt = {"received_at": utc_now(), "fingerprint": print_}
    if await insert_if_new(uow.session, table, {**row, **receipt}):
        await uow.emit(event())
        log.info("report_recorded", user_id=row["user_id"], **{id_field: row[id_field]})
        return receipt
    stored = await found()
    if stored is None:  # the conflicting row is committed (insert_if_new); cannot vanish
        raise RuntimeError(f"{id_field} {row[id_field]!r} conflicted but is not stored")
    if stored["fingerprint"] != print_:
        raise IdReused(id_field, row[id_field])
    return stored


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


def _session_row(tenant_id: str, user_id: str, report: SessionReport) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "session_id": report.session_id,
        "started_at": report.started_at,
        "completed_at": report.completed_at,
        "exercises": [e.model_dump(mode="json") for e in report.exercises],
    }


def _session_done(tenant_id: str, user_id: str, report: SessionReport) -> SessionDone:
    return _event(
        SessionDone, report, tenant_id=tenant_id, user_id=user_id, occurred_at=report.completed_at
    )


def _session_answer(report: SessionReport, receipt: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": "accepted",
        "session_id": report.session_id,
        "received_at": receipt["received_at"].isoformat(),
    }


def fresh_session(tenant_id: str, user_id: str, report: SessionReport, print_: str) -> Fresh:
    """The session as stored when its session_id is new: row, event, answer (no reads)."""
    receipt = {"received_at": utc_now(), "fingerprint": print_}
    return Fresh(
        store.sessions,
        {**_session_row(tenant_id, user_id, report), **receipt},
        [_session_done(tenant_id, user_id, report)],
        202,
        _session_answer(report, receipt),
    )


async def record_session(
    uow: UnitOfWork, tenant_id: str, user_id: str, report: SessionReport, print_: str
) -> Answer:
    """Store the session and emit `session-done` (event time: `completed_at`). The same
    session again answers as the first time and emits nothing. `print_` is the report's
    fingerprint (`domain.reports.fingerprint`)."""
    known = await _store_once(
        uow,
        store.sessions,
        _session_row(tenant_id, user_id, report),
        print_,
        lambda: store.get_session(uow.session, tenant_id, user_id, report.session_id),
        lambda: _session_done(tenant_id, user_id, report),
        "session_id",
    )
    return 202, _session_answer(report, known)


def _pain_row(tenant_id: str, user_id: str, report: PainReport) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "log_id": report.log_id,
        "observed_at": report.observed_at,
        "level": report.level,
        "context": report.context,
        "exercise_id": report.exercise_id,
        "session_id": report.session_id,
        "qualities": list(report.qualities),
        "locations": list(report.locations),
        "morning": report.morning.model_dump(mode="json") if report.morning else None,
    }


def _pain_logged(tenant_id: str, user_id: str, report: PainReport) -> PainLogged:
    return _event(
        PainLogged, report, tenant_id=tenant_id, user_id=user_id, occurred_at=report.observed_at
    )


def _pain_answer(report: PainReport, receipt: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": "accepted",
        "log_id": report.log_id,
        # In UTC: a retry sent with another zone is the same report and answers the same.
        "observed_at": report.observed_at.astimezone(UTC).isoformat(),
        "received_at": receipt["received_at"].isoformat(),
    }


def fresh_pain(tenant_id: str, user_id: str, report: PainReport, print_: str) -> Fresh:
    """The pain log as stored when its log_id is new: row, event, answer (no reads)."""
    receipt = {"received_at": utc_now(), "fingerprint": print_}
    return Fresh(
        store.pain_logs,
        {**_pain_row(tenant_id, user_id, report), **receipt},
        [_pain_logged(tenant_id, user_id, report)],
        202,
        _pain_answer(report, receipt),
    )


async def record_pain(
    uow: UnitOfWork, tenant_id: str, user_id: str, report: PainReport, print_: str
) -> Answer:
    """Store the pain log and emit `pain-logged` (event time: `observed_at`, however late it
    arrives). The same log again answers as the first time and emits nothing."""
    known = await _store_once(
        uow,
        store.pain_logs,
        _pain_row(tenant_id, user_id, report),
        print_,
        lambda: store.get_pain_log(uow.session, tenant_id, user_id, report.log_id),
        lambda: _pain_logged(tenant_id, user_id, report),
        "log_id",
    )
    return 202, _pain_answer(report, known)


async def keep_flares(events: Sequence[FlareDetected], uow: UnitOfWork) -> None:
    await store.add_flares(
        uow.session,
        [
            {
                "tenant_id": e.tenant_id,
                "user_id": e.user_id,
                "flare_id": e.flare_id,
                "log_id": e.log_id,
                "observed_at": e.observed_at,
                "level": e.level,
                "baseline": e.baseline,
                "spread_further": e.spread_further,
            }
            for e in events
        ],
    )


async def keep_removals(events: Sequence[ExerciseRemoved], uow: UnitOfWork) -> None:
    await store.add_removals(
        uow.session,
        [
            {
                "tenant_id": e.tenant_id,
                "user_id": e.user_id,
                "exercise_id": e.exercise_id,
                "decided_at": e.decided_at,
                "rule": e.rule,
                "severity": e.severity,
            }
            for e in events
        ],
    )


@dataclass(frozen=True)
class Timeline:
    """One user's timeline within a window, as read from the store."""

    user_id: str
    window: Window
    entries: list[Entry]
    truncated: bool
    flares: list[dict[str, Any]]
    removals: list[dict[str, Any]]

    def describe(self) -> dict[str, Any]:
        flare_by_log = {f["log_id"]: str(f["flare_id"]) for f in self.flares}
        return {
            "user_id": self.user_id,
            "from": self.window.start.isoformat(),
            "to": self.window.end.isoformat(),
            "entries": [
                _describe_entry(e, flare_by_log.get(e.id) if e.kind == "pain" else None)
                for e in self.entries
            ],
            "truncated": self.truncated,
            "flares": [_describe_flare(f) for f in self.flares],
            "removals": [_describe_removal(r) for r in self.removals],
        }

    def chart_data(self) -> ChartData:
        flared = {f["log_id"] for f in self.flares}
        return ChartData(
            user_id=self.user_id,
            window=self.window,
            points=tuple(
                PainPoint(e.at, e.data["level"], e.data["context"], e.id in flared)
                for e in self.entries
                if e.kind == "pain"
            ),
            sessions=tuple(
                SessionMark(e.data["started_at"], e.data["completed_at"])
                for e in self.entries
                if e.kind == "session"
            ),
            flares=tuple(
                FlareMark(f["observed_at"], f["level"], f["baseline"]) for f in self.flares
            ),
            removals=tuple(RemovalMark(r["decided_at"], r["exercise_id"]) for r in self.removals),
            truncated=self.truncated,
        )


async def read_timeline(
    session: AsyncSession, tenant_id: str, user_id: str, window: Window, limit: int
) -> Timeline | None:
    """None when this tenant holds nothing about the user (the caller answers 404)."""
    if not await store.user_known(session, tenant_id, user_id):
        return None
    span = (tenant_id, user_id, window.start, window.end, limit + 1)
    logs = await store.between(session, store.pain_logs, "observed_at", *span)
    done = await store.between(session, store.sessions, "completed_at", *span)
    entries, truncated = in_event_time(
        [Entry("pain", r["observed_at"], r["log_id"], r) for r in logs]
        + [Entry("session", r["completed_at"], r["session_id"], r) for r in done],
        limit,
    )
    # Flares and removals of the span the entries cover: when the entries are cut at `limit`,
    # so are they (a flare is one of the pain logs, so at most `limit` of them).
    shown = (tenant_id, user_id, window.start, entries[-1].at if truncated else window.end)
    return Timeline(
        user_id,
        window,
        entries,
        truncated,
        await store.between(session, store.flares, "observed_at", *shown, limit),
        await store.between(session, store.removals, "decided_at", *shown, limit),
    )


def _describe_entry(entry: Entry, flare_id: str | None) -> dict[str, Any]:
    row = entry.data
    if entry.kind == "session":
        return {
            "kind": "session",
            "at": entry.at.isoformat(),
            "session_id": row["session_id"],
            "started_at": row["started_at"].isoformat(),
            "completed_at": row["completed_at"].isoformat(),
            "exercises": row["exercises"],
            "received_at": row["received_at"].isoformat(),
        }
    return {
        "kind": "pain",
        "at": entry.at.isoformat(),
        "log_id": row["log_id"],
        "observed_at": row["observed_at"].isoformat(),
        "level": row["level"],
        "context": row["context"],
        "exercise_id": row["exercise_id"],
        "session_id": row["session_id"],
        "qualities": row["qualities"],
        "locations": row["locations"],
        "morning": row["morning"],
        "received_at": row["received_at"].isoformat(),
        "flare_id": flare_id,
    }


def _describe_flare(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "flare_id": str(row["flare_id"]),
        "log_id": row["log_id"],
        "observed_at": row["observed_at"].isoformat(),
        "level": row["level"],
        "baseline": row["baseline"],
        "spread_further": row["spread_further"],
    }


def _describe_removal(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "exercise_id": row["exercise_id"],
        "decided_at": row["decided_at"].isoformat(),
        "rule": row["rule"],
        "severity": row["severity"],
    }
