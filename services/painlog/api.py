"""Routes of the painlog service: report sessions and pain, read the timeline and its chart."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from services.painlog import chart_renderer, reads, service
from services.painlog.domain.reports import FieldProblem, future_problems
from services.painlog.domain.reports import fingerprint as report_fingerprint
from services.painlog.domain.timeline import OrderKey, Window, WindowError, resolve_window
from services.painlog.settings import PainlogSettings
from services.painlog.views import (
    PainAccepted,
    SessionAccepted,
    TimelinePage,
    timeline_page,
    timeline_scope,
)
from shared.db.uow import UnitOfWork
from shared.events.base import USER_ID_PATTERN, utc_now
from shared.events.painlog import PainReport, SessionReport
from shared.http.auth import TenantId
from shared.http.deps import IdempotencyKey, ReadSession, UserIdPath, database
from shared.http.fast_post import FastPost
from shared.http.idempotency import fingerprint, request_path, run_idempotent
from shared.http.pagination import (
    DEFAULT_LIMIT,
    CursorQuery,
    LimitQuery,
    decode_cursor,
)
from shared.http.problems import (
    Conflict,
    NotFound,
    Unavailable,
    field_error,
    problems,
)
from shared.http.strict_json import StrictJsonRoute

router = APIRouter(tags=["pain log"], route_class=StrictJsonRoute)

_WRITE_PROBLEMS = problems(409, _409="The client id was already used for a different report")
_NOT_KNOWN = "Nothing logged for this user under this tenant"


def _settings(request: Request) -> PainlogSettings:
    settings: PainlogSettings = request.app.state.settings
    return settings


def _refuse(location: str, problems: list[FieldProblem]) -> RequestValidationError:
    return RequestValidationError(
        [{"loc": (location, p.field), "msg": p.message, "type": "value_error"} for p in problems]
    )


async def _record(
    request: Request,
    tenant_id: str,
    idempotency_key: str | None,
    report: SessionReport | PainReport,
    record: service.Recorder,
    fresh: service.Freshener,
    user_id: str,
) -> JSONResponse:
    settings = _settings(request)
    allowance = timedelta(seconds=settings.future_allowance_s)
    if problems := future_problems(report, utc_now(), allowance):
        raise _refuse("body", problems)
    # The report's own fingerprint (zones normalised): the client-id check compares it, and
    # the Idempotency-Key's is made from it.
    report_print = report_fingerprint(report)
    # The fast lane (shared.http.fast_post) calls this route's endpoint with its own
    # arguments only: no dependency to inject `Db`.
    db = database(request)
    print_ = fingerprint("POST", request_path(request), report_print)

    async def action(uow: UnitOfWork) -> service.Answer:
        return await record(uow, tenant_id, user_id, report, report_print)

    try:
        outcome = await run_idempotent(
            db,
            tenant_id,
            idempotency_key,
            print_,
            action,
            fresh=fresh(tenant_id, user_id, report, report_print),
        )
    except service.IdReused as exc:
        raise Conflict(
            str(exc),
            errors=[field_error(exc.field, "already used for a different report", "id_taken")],
        ) from exc
    return outcome.response()


@router.post(
    "/v1/users/{user_id}/sessions",
    status_code=202,
    summary="Report a finished session; emits session-done once per session_id",
    response_model=SessionAccepted,
    responses=_WRITE_PROBLEMS,
)
async def record_session(
    user_id: UserIdPath,
    report: SessionReport,
    tenant_id: TenantId,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _record(
        request,
        tenant_id,
        idempotency_key,
        report,
        service.record_session,
        service.fresh_session,
        user_id,
    )


@router.post(
    "/v1/users/{user_id}/pain",
    status_code=202,
    summary="Log pain; emits pain-logged once per log_id. Late logs keep their observed_at",
    response_model=PainAccepted,
    responses=_WRITE_PROBLEMS,
)
async def log_pain(
    user_id: UserIdPath,
    report: PainReport,
    tenant_id: TenantId,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return await _record(
        request,
        tenant_id,
        idempotency_key,
        report,
        service.record_pain,
        service.fresh_pain,
        user_id,
    )


# The two ingest routes, served past the router in the plain case (shared.http.fast_post).
FAST_POSTS = (
    FastPost(
        re.compile(rf"/v1/users/(?P<user_id>{USER_ID_PATTERN})/sessions"),
        SessionReport,
        record_session,
        "/v1/users/{user_id}/sessions",
    ),
    FastPost(
        re.compile(rf"/v1/users/(?P<user_id>{USER_ID_PATTERN})/pain"),
        PainReport,
        log_pain,
        "/v1/users/{user_id}/pain",
    ),
)


def _window(
    request: Request,
    start: Annotated[
        AwareDatetime | None,
        Query(alias="from", description="ISO 8601 with zone; default: `to` minus 28 days"),
    ] = None,
    end: Annotated[
        AwareDatetime | None, Query(alias="to", description="ISO 8601 with zone; default: now")
    ] = None,
) -> Window:
    try:
        settings = _settings(request)
        return resolve_window(
            start, end, utc_now(), settings.timeline_default_days, settings.timeline_max_days
        )
    except WindowError as exc:
        raise _refuse("query", [FieldProblem(exc.field, exc.message)]) from exc


WindowQuery = Annotated[Window, Depends(_window)]


def _after(cursor: str | None, tenant_id: str, user_id: str) -> OrderKey | None:
    """The order key a timeline cursor carries; a 400 naming `query.cursor` for one that is
    not a cursor of this user's timeline for this tenant."""
    key = decode_cursor(cursor, timeline_scope(user_id), tenant_id, (datetime, int, str))
    return None if key is None else (key[0], key[1], key[2])


# Health data: never kept by a shared cache.
_PRIVATE = {"Cache-Control": "private, no-store"}


@router.get(
    "/v1/users/{user_id}/pain",
    summary="The timeline: sessions, pain logs (with their flares) and removals in event "
    "time, a page at a time, and chart links",
    response_model=TimelinePage,
    responses=problems(400, 404, _400="A cursor of another list or tenant", _404=_NOT_KNOWN),
)
async def get_timeline(
    user_id: UserIdPath,
    tenant_id: TenantId,
    session: ReadSession,
    response: Response,
    window: WindowQuery,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> TimelinePage:
    after = _after(cursor, tenant_id, user_id)
    timeline = await reads.read_timeline(session, tenant_id, user_id, window, after, limit)
    if timeline is None:
        raise NotFound("nothing logged for this user")
    response.headers.update(_PRIVATE)
    return timeline_page(timeline, tenant_id)


_MEDIA = {"svg": "image/svg+xml", "png": "image/png"}


class ChartResponse(Response):
    """An image of the timeline: SVG or PNG, as the path's extension says."""

    media_type = _MEDIA["png"]


@router.get(
    "/v1/users/{user_id}/pain/chart.{fmt}",
    summary="The timeline as a chart: pain over time, sessions marked, flares in red",
    response_class=ChartResponse,
    responses={
        200: {
            "description": "The chart, as the extension asks",
            "content": {
                m: {"schema": {"type": "string", "format": "binary"}} for m in _MEDIA.values()
            },
        },
        **problems(404, 503, _404=_NOT_KNOWN, _503="Too many charts being drawn; retry"),
    },
)
async def get_pain_chart(
    user_id: UserIdPath,
    fmt: Literal["svg", "png"],
    tenant_id: TenantId,
    request: Request,
    session: ReadSession,
    window: WindowQuery,
) -> Response:
    most = _settings(request).timeline_max_entries
    timeline = await reads.read_timeline(session, tenant_id, user_id, window, None, most)
    if timeline is None:
        raise NotFound("nothing logged for this user")
    # Drawn in a worker process, a few at a time, once per content (chart_renderer).
    image = await chart_renderer.renderer.render(timeline.chart_data(), fmt)
    if image is None:
        raise Unavailable("too many charts being drawn; retry", headers={"Retry-After": "2"})
    return Response(image, media_type=_MEDIA[fmt], headers=_PRIVATE)
