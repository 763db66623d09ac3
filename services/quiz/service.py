"""Use cases of the quiz service: screen, store, emit; and the reads behind the routes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.quiz import store, views
from services.quiz.domain.questionnaire import QUESTIONNAIRE_VERSION, build_questionnaire
from services.quiz.domain.screening import screen_red_flags
from services.quiz.store import ResponseRecord
from shared.db.records import Fresh
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.quiz import QuizCompleted, UserReferred
from shared.events.quiz_answers import QuizAnswers
from shared.http.problems import NotFound


def fresh_quiz(tenant_id: str, user_id: str, answers: QuizAnswers) -> Fresh:
    """Screen the answers: the response row, its event and the answer, refer (200) or
    accept (202), all known before anything is stored (`shared.db.records`)."""
    return _screened(tenant_id, user_id, answers)[1]


def _screened(tenant_id: str, user_id: str, answers: QuizAnswers) -> tuple[ResponseRecord, Fresh]:
    screening = screen_red_flags(answers)
    response_id = store.new_response_id()
    now = utc_now()
    row = ResponseRecord(
        response_id=response_id,
        tenant_id=tenant_id,
        user_id=user_id,
        questionnaire_version=QUESTIONNAIRE_VERSION,
        answers=answers.model_dump(mode="json"),
        status="refer" if screening.level else "accepted",
        referral_level=screening.level,
        reasons=[r.model_dump(mode="json") for r in screening.reasons],
        submitted_at=now,
    )
    if screening.level is not None:
        referred = UserReferred(
            tenant_id=tenant_id,
            user_id=user_id,
            occurred_at=now,
            response_id=response_id,
            level=screening.level,
            reasons=screening.reasons,
        )
        body = views.QuizReferred(
            response_id=response_id, level=screening.level, reasons=list(screening.reasons)
        )
        return row, Fresh(
            store.responses, row.values(), [referred], 200, body.model_dump(mode="json")
        )
    completed = QuizCompleted(
        tenant_id=tenant_id,
        user_id=user_id,
        occurred_at=now,
        response_id=response_id,
        questionnaire_version=QUESTIONNAIRE_VERSION,
        answers=answers,
    )
    accepted = views.QuizAccepted(response_id=response_id).model_dump(mode="json")
    return row, Fresh(store.responses, row.values(), [completed], 202, accepted)


async def submit_quiz(
    uow: UnitOfWork, tenant_id: str, user_id: str, answers: QuizAnswers
) -> tuple[int, dict[str, Any]]:
    """Screen the answers; refer (200) or accept (202). The response and its event are
    written in this unit of work, so both exist or neither does."""
    row, fresh = _screened(tenant_id, user_id, answers)
    await store.add_response(uow.session, row)
    await uow.emit(*fresh.events)
    return fresh.status, fresh.body


def get_questionnaire() -> views.Questionnaire:
    return build_questionnaire()


async def get_quiz(session: AsyncSession, tenant_id: str, user_id: str) -> views.QuizResponse:
    row = await store.latest_response(session, tenant_id, user_id)
    if row is None:
        raise NotFound("no quiz for this user")
    return views.quiz_response(row)
