"""Use cases of the quiz service: screen, store, emit. Routes stay thin around these."""

from __future__ import annotations

from typing import Any

from services.quiz import store
from services.quiz.domain.questionnaire import QUESTIONNAIRE_VERSION
from services.quiz.domain.screening import screen_red_flags
from shared.db.records import Fresh
from shared.db.uow import UnitOfWork
from shared.events.base import utc_now
from shared.events.quiz import QuizCompleted, UserReferred
from shared.events.quiz_answers import QuizAnswers


def fresh_quiz(tenant_id: str, user_id: str, answers: QuizAnswers) -> Fresh:
    """Screen the answers: the response row, its event and the answer, refer (200) or
    accept (202), all known before anything is stored (`shared.db.records`)."""
    screening = screen_red_flags(answers)
    response_id = store.new_response_id()
    now = utc_now()
    row = {
        "response_id": response_id,
        "tenant_id": tenant_id,
        "user_id": user_id,
        "questionnaire_version": QUESTIONNAIRE_VERSION,
        "answers": answers.model_dump(mode="json"),
        "status": "refer" if screening.level else "accepted",
        "referral_level": screening.level,
        "reasons": [r.model_dump(mode="json") for r in screening.reasons],
        "submitted_at": now,
    }
    if screening.level is not None:
        referred = UserReferred(
            tenant_id=tenant_id,
            user_id=user_id,
            occurred_at=now,
            response_id=response_id,
            level=screening.level,
            reasons=screening.reasons,
        )
        body = {
            "status": "refer",
            "response_id": str(response_id),
            "level": screening.level,
            "reasons": row["reasons"],
        }
        return Fresh(store.responses, row, [referred], 200, body)
    completed = QuizCompleted(
        tenant_id=tenant_id,
        user_id=user_id,
        occurred_at=now,
        response_id=response_id,
        questionnaire_version=QUESTIONNAIRE_VERSION,
        answers=answers,
    )
    body = {"status": "accepted", "response_id": str(response_id)}
    return Fresh(store.responses, row, [completed], 202, body)


async def submit_quiz(
    uow: UnitOfWork, tenant_id: str, user_id: str, answers: QuizAnswers
) -> tuple[int, dict[str, Any]]:
    """Screen the answers; refer (200) or accept (202). The response and its event are
    written in this unit of work, so both exist or neither does."""
    fresh = fresh_quiz(tenant_id, user_id, answers)
    await store.add_response(uow.session, **fresh.row)
    await uow.emit(*fresh.events)
    return fresh.status, fresh.body


def describe_response(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "response_id": str(row["response_id"]),
        "status": row["status"],
        "level": row["referral_level"],
        "reasons": row["reasons"],
        "questionnaire_version": row["questionnaire_version"],
        "submitted_at": row["submitted_at"].isoformat(),
        "answers": row["answers"],
    }
