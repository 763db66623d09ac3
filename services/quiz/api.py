"""Routes of the quiz service."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from services.quiz import service, views
from shared.db.uow import UnitOfWork
from shared.events.quiz_answers import QuizAnswers
from shared.http.auth import TenantId
from shared.http.deps import Db, IdempotencyKey, ReadSession, UserIdPath
from shared.http.idempotency import fingerprint, request_path, run_idempotent
from shared.http.problems import problems
from shared.http.strict_json import StrictJsonRoute
from shared.observability.metrics import QUIZ_SUBMISSIONS

router = APIRouter(tags=["quiz"], route_class=StrictJsonRoute)


@router.get("/v1/quiz", summary="The versioned questionnaire")
async def get_questionnaire(_: TenantId) -> views.Questionnaire:
    return service.get_questionnaire()


@router.post(
    "/v1/users/{user_id}/quiz",
    status_code=202,
    summary="Submit quiz answers: 202 accepted (a plan follows) or 200 refer (red flags)",
    response_model=views.QuizAccepted,
    responses={
        200: {"model": views.QuizReferred, "description": "Red flags: see a clinician, no plan"},
        202: {"model": views.QuizAccepted, "description": "Accepted: a plan will be generated"},
        **problems(400, _400="An Idempotency-Key that is empty or over 255 characters"),
    },
)
async def submit_quiz(
    user_id: UserIdPath,
    answers: QuizAnswers,
    tenant_id: TenantId,
    request: Request,
    db: Db,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    print_ = fingerprint("POST", request_path(request), answers.model_dump_json())

    async def action(uow: UnitOfWork) -> tuple[int, dict[str, Any]]:
        return await service.submit_quiz(uow, tenant_id, user_id, answers)

    outcome = await run_idempotent(
        db,
        tenant_id,
        idempotency_key,
        print_,
        action,
        fresh=service.fresh_quiz(tenant_id, user_id, answers),
    )
    if not outcome.replayed:
        QUIZ_SUBMISSIONS.labels("accepted" if outcome.status == 202 else "referred").inc()
    return outcome.response()


@router.get(
    "/v1/users/{user_id}/quiz",
    summary="The user's latest quiz response",
    responses=problems(404, _404="No quiz from this user (of this tenant)"),
)
async def get_quiz(
    user_id: UserIdPath, tenant_id: TenantId, session: ReadSession
) -> views.QuizResponse:
    return await service.get_quiz(session, tenant_id, user_id)
