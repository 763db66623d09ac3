"""Routes of the painlog service: report sessions and pain, read the timeline and its chart."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel

from services.painlog import chart_renderer, service
from services.painlog.domain.reports import FieldProblem, future_problems
from services.painlog.domain.reports import fingerprint as report_fingerprint
from services.painlog.domain.timeline import Window, WindowError, resolve_window
from services.painlog.settings import PainlogSettings
from shared.db.database import Database
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.painlog import PainReport, SessionReport
from shared.http.auth import TenantId
from shared.http.fast_post import FastPost
from shared.http.idempotency import fingerprint, request_path, run_idempotent
from shared.http.problems import Conflict, NotFound, Unavailable, field_error
from shared.http.strict_json import StrictJsonRoute

router = APIRouter(tags=["pain log"], route_class=StrictJsonRoute)

USER_ID = r"[A-Za-z0-9._:@-]{1,128}"
UserIdPath = Annotated[
    str, Path(pattern=f"^{USER_ID}$", description="The tenant's id for its user")
]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Retries with the same key get the same answer"),
]
_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"description": "The client id was already used for a different report"},
    422: {"description": "Invalid report; `fields` names each bad field; nothing stored"},
}


class SessionAccepted(BaseModel):
    status: Literal["accepted"]
    session_id: str
    received_at: str


class PainAccepted(BaseModel):
    status: Literal["accepted"]
    log_id: str
    observed_at: str
    received_at: str


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
    db: Database = request.app.state.db
    # The report's own fingerprint (zones normalised): the client-id check compares it, and
    # the Idempotency-Key's is made from it.
    report_print = report_fingerprint(report)
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
    responses={202: {"model": SessionAccepted}, **_WRITE_RESPONSES},
)
async def report_session(
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
    responses={202: {"model": PainAccepted}, **_WRITE_RESPONSES},
)
async def report_pain(
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
        re.compile(rf"/v1/users/(?P<user_id>{USER_ID})/sessions"),
        SessionReport,
        report_session,
        "/v1/users/{user_id}/sessions",
    ),
    FastPost(
        re.compile(rf"/v1/users/(?P<user_id>{USER_ID})/pain"),
        PainReport,
        report_pain,
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


async def _timeline(
    request: Request, tenant_id: str, user_id: str, window: Window, limit: int | None
) -> service.Timeline:
    db: Database = request.app.state.db
    most = _settings(request).timeline_max_entries
    async with db.read() as session:
        found = await service.read_timeline(
            session, tenant_id, user_id, window, min(limit or most, most)
        )
    if found is None:
        raise NotFound("nothing logged for this user")
    return found


@router.get(
    "/v1/users/{user_id}/pain",
    summary="The timeline: pain logs and sessions in event time, flares, and chart links",
    responses={404: {"description": "Nothing logged for this user under this tenant"}},
)
async def get_timeline(
    user_id: UserIdPath,
    tenant_id: TenantId,
    request: Request,
    window: WindowQuery,
    limit: Annotated[int | None, Query(ge=1, description="Most entries returned")] = None,
) -> Any:
    timeline = await _timeline(request, tenant_id, user_id, window, limit)
    query = urlencode({"from": window.start.isoformat(), "to": window.end.isoformat()})
    base = f"/v1/users/{user_id}/pain/chart"
    body = {
        **timeline.describe(),
        "chart": {"svg": f"{base}.svg?{query}", "png": f"{base}.png?{query}"},
    }
    # Health data, like its chart: never kept by a shared cache.
    return JSONResponse(body, headers={"Cache-Control": "private, no-store"})


_MEDIA = {"svg": "image/svg+xml", "png": "image/png"}


@router.get(
    "/v1/users/{user_id}/pain/chart.{fmt}",
    summary="The timeline as a chart: pain over time, sessions marked, flares in red",
    response_class=Response,
    responses={200: {"content": {m: {} for m in _MEDIA.values()}}, 404: {}},
)
async def get_chart(
    user_id: UserIdPath,
    fmt: Literal["svg", "png"],
    tenant_id: TenantId,
    request: Request,
    window: WindowQuery,
) -> Response:
    timeline = await _timeline(request, tenant_id, user_id, window, None)
    # Drawn in a worker process, a few at a time, once per content (chart_renderer).
    image = await chart_renderer.renderer.render(timeline.chart_data(), fmt)
    if image is None:
        raise Unavailable("too many charts being drawn; retry", headers={"Retry-After": "2"})
    return Response(image, media_type=_MEDIA[fmt], headers={"Cache-Control": "private, no-store"})
