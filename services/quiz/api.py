"""Routes of the quiz service."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.quiz import service, store
from services.quiz.domain.questionnaire import build_questionnaire
from shared.db.database import Database
from shared.events.quiz import ReferralLevel, ReferralReason
from shared.events.quiz_answers import QuizAnswers
from shared.http.auth import TenantId
from shared.http.idempotency import fingerprint, request_path, run_idempotent
from shared.http.problems import NotFound
from shared.http.strict_json import StrictJsonRoute
from shared.observability.metrics import QUIZ_SUBMISSIONS

router = APIRouter(tags=["quiz"], route_class=StrictJsonRoute)

UserIdPath = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9._:@-]{1,128}$", description="The tenant's id for its user")
]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Retries with the same key get the same answer"),
]


class QuizAccepted(BaseModel):
    status: Literal["accepted"]
    response_id: str


class QuizReferred(BaseModel):
    status: Literal["refer"]
    response_id: str
    level: ReferralLevel
    reasons: list[ReferralReason]


@router.get("/v1/quiz", summary="The versioned questionnaire")
async def get_questionnaire(_: TenantId) -> Any:
    return build_questionnaire()


@router.post(
    "/v1/users/{user_id}/quiz",
    status_code=202,
    summary="Submit quiz answers: 202 accepted (a plan follows) or 200 refer (red flags)",
    responses={
        200: {"model": QuizReferred, "description": "Red flags: see a clinician, no plan"},
        202: {"model": QuizAccepted, "description": "Accepted: a plan will be generated"},
        422: {"description": "Invalid answers; `fields` names each one; nothing stored"},
    },
)
async def submit_quiz(
    user_id: UserIdPath,
    answers: QuizAnswers,
    tenant_id: TenantId,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    db: Database = request.app.state.db
    print_ = fingerprint("POST", request_path(request), answers.model_dump_json())

    async def action(uow: Any) -> tuple[int, dict[str, Any]]:
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


@router.get("/v1/users/{user_id}/quiz", summary="The user's latest quiz response")
async def latest_quiz(user_id: UserIdPath, tenant_id: TenantId, request: Request) -> Any:
    db: Database = request.app.state.db
    async with db.read() as session:
        row = await store.latest_response(session, tenant_id, user_id)
    if row is None:
        raise NotFound("no quiz for this user")
    return service.describe_response(row)
