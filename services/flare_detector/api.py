"""Routes of the flare detector."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request

from services.flare_detector import reads
from services.flare_detector.settings import FlareDetectorSettings
from services.flare_detector.views import FlaresPage, flares_page, flares_scope
from shared.http.auth import TenantId
from shared.http.deps import ReadSession, UserIdPath
from shared.http.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, decode_cursor
from shared.http.problems import NotFound, problems
from shared.http.strict_json import StrictJsonRoute

router = APIRouter(tags=["flares"], route_class=StrictJsonRoute)


def _after(cursor: str | None, tenant_id: str, user_id: str) -> reads.FlareKey | None:
    """The key a flares cursor carries; a 400 naming `query.cursor` for one that is not a
    cursor of this user's flares for this tenant."""
    key = decode_cursor(cursor, flares_scope(user_id), tenant_id, (datetime, str))
    return None if key is None else (key[0], key[1])


@router.get(
    "/v1/users/{user_id}/flares",
    summary="Detected flares, what each was attributed to, the removals and their evidence",
    response_model=FlaresPage,
    responses=problems(
        400,
        404,
        _400="A cursor of another list or tenant",
        _404="No session or pain log of this user for this tenant",
    ),
)
async def list_flares(
    user_id: UserIdPath,
    tenant_id: TenantId,
    request: Request,
    session: ReadSession,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> FlaresPage:
    settings: FlareDetectorSettings = request.app.state.settings
    after = _after(cursor, tenant_id, user_id)
    found = await reads.user_flares(session, tenant_id, user_id, settings.rules(), after, limit)
    if found is None:
        raise NotFound("no history for this user")
    return flares_page(found, limit, tenant_id)
