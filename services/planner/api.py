"""Routes of the planner: the library, a user's current plan and its versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from services.planner import service, views
from services.planner.domain.library import Library
from shared.http.auth import TenantId
from shared.http.deps import ReadSession, UserIdPath
from shared.http.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from shared.http.problems import problems
from shared.http.strict_json import StrictJsonRoute

router = APIRouter(tags=["planner"], route_class=StrictJsonRoute)


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


LibraryDep = Annotated[Library, Depends(_library)]
_NO_PLAN = problems(404, _404="No plan yet for this user (of this tenant)")


@router.get(
    "/v1/exercises",
    summary="The exercise library, with tags, phases and doses (whole: it is bounded)",
)
async def list_exercises(_: TenantId, library: LibraryDep) -> views.ExerciseLibrary:
    return service.list_exercises(library)


@router.get(
    "/v1/exercises/{exercise_id}",
    summary="One exercise of the library",
    responses=problems(404, _404="No exercise with this id"),
)
async def get_exercise(
    exercise_id: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")],
    _: TenantId,
    library: LibraryDep,
) -> views.Exercise:
    return service.get_exercise(library, exercise_id)


@router.get(
    "/v1/users/{user_id}/plan",
    summary="The user's current plan: exercises, exclusions with reasons, removals with evidence",
    responses=_NO_PLAN,
)
async def get_plan(
    user_id: UserIdPath, tenant_id: TenantId, session: ReadSession, library: LibraryDep
) -> views.PlanView:
    return await service.get_plan(session, library, tenant_id, user_id)


@router.get(
    "/v1/users/{user_id}/plan/versions",
    summary="The versions of the user's plan, oldest first, with what changed and why",
    responses=_NO_PLAN,
)
async def list_plan_versions(
    user_id: UserIdPath,
    tenant_id: TenantId,
    session: ReadSession,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Page[views.VersionView]:
    return await service.list_plan_versions(session, tenant_id, user_id, limit, cursor)
