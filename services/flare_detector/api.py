"""Routes of the flare detector."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from services.flare_detector import service
from services.flare_detector.settings import FlareDetectorSettings
from shared.db.database import Database
from shared.http.auth import TenantId
from shared.http.problems import NotFound
from shared.http.strict_json import StrictJsonRoute

router = APIRouter(tags=["flares"], route_class=StrictJsonRoute)

UserIdPath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9._:@-]{1,128}$", description="The tenant's id for its user")
]


@router.get(
    "/v1/users/{user_id}/flares",
    summary="Detected flares, what each was attributed to, the removals and their evidence",
    responses={404: {"description": "No session or pain log of this user for this tenant"}},
)
async def get_flares(user_id: UserIdPath, tenant_id: TenantId, request: Request) -> Any:
    db: Database = request.app.state.db
    settings: FlareDetectorSettings = request.app.state.settings
    async with db.read() as session:
        body = await service.user_flares(session, tenant_id, user_id, settings.rules())
    if body is None:
        raise NotFound("no history for this user")
    return body
