"""Routes of the planner: the library, a user's current plan and its versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from services.planner import store, views
from services.planner.domain.library import Library
from shared.db.database import Database
from shared.http.auth import TenantId
from shared.http.problems import NotFound
from shared.http.strict_json import StrictJsonRoute

router = APIRouter(tags=["planner"], route_class=StrictJsonRoute)

UserIdPath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9._:@-]{1,128}$", description="The tenant's id for its user")
]


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


def _no_plan() -> NotFound:
    return NotFound("no plan for this user")


@router.get("/v1/exercises", summary="The exercise library, with tags, phases and doses")
async def list_exercises(_: TenantId, request: Request) -> dict[str, Any]:
    library = _library(request)
    return {
        "version": library.version,
        "exercises": [views.exercise_view(e) for e in library.exercises],
    }


@router.get(
    "/v1/exercises/{exercise_id}",
    summary="One exercise of the library",
    responses={404: {"description": "No exercise with this id"}},
)
async def get_exercise(
    exercise_id: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")],
    _: TenantId,
    request: Request,
) -> dict[str, Any]:
    exercise = _library(request).get(exercise_id)
    if exercise is None:
        raise NotFound("no such exercise")
    return views.exercise_view(exercise)


@router.get(
    "/v1/users/{user_id}/plan",
    summary="The user's current plan: exercises, exclusions with reasons, removals with evidence",
    responses={404: {"description": "No plan yet for this user (of this tenant)"}},
)
async def current_plan(user_id: UserIdPath, tenant_id: TenantId, request: Request) -> Any:
    db: Database = request.app.state.db
    async with db.read() as session:
        user = await store.get_user(session, tenant_id, user_id)
        if user is None or not user["current_version"]:
            raise _no_plan()
        row = await store.get_version(session, tenant_id, user["plan_id"], user["current_version"])
        removals = await store.list_removals(session, tenant_id, user_id)
    if row is None:
        raise _no_plan()
    return views.plan_view(user, row, removals, _library(request))


@router.get(
    "/v1/users/{user_id}/plan/versions",
    summary="Every version of the user's plan, with what changed and why",
    responses={404: {"description": "No plan yet for this user (of this tenant)"}},
)
async def plan_versions(user_id: UserIdPath, tenant_id: TenantId, request: Request) -> Any:
    db: Database = request.app.state.db
    async with db.read() as session:
        rows = await store.list_versions(session, tenant_id, user_id)
    if not rows:
        raise _no_plan()
    return {"user_id": user_id, "versions": [views.version_view(r) for r in rows]}
