"""The quiz service's answers: one response model per route."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from services.quiz.domain.questionnaire import Questionnaire
from services.quiz.store import ResponseRecord
from shared.events.quiz import ReferralLevel, ReferralReason
from shared.events.quiz_answers import QuizAnswers

__all__ = ["Questionnaire", "QuizAccepted", "QuizReferred", "QuizResponse", "quiz_response"]


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class QuizAccepted(View):
    """No red flag: a plan will be generated."""

    status: Literal["accepted"] = "accepted"
    response_id: uuid.UUID


class QuizReferred(View):
    """Red flags: see a clinician; no plan."""

    status: Literal["refer"] = "refer"
    response_id: uuid.UUID
    level: ReferralLevel
    reasons: list[ReferralReason]


class QuizResponse(View):
    """The user's latest quiz response, as submitted and screened."""

    response_id: uuid.UUID
    status: Literal["accepted", "refer"]
    level: ReferralLevel | None
    reasons: list[ReferralReason]
    questionnaire_version: str
    submitted_at: datetime
    answers: QuizAnswers


def quiz_response(row: ResponseRecord) -> QuizResponse:
    return QuizResponse(
        response_id=row.response_id,
        status=row.status,
        level=row.referral_level,
        reasons=[ReferralReason.model_validate(r) for r in row.reasons],
        questionnaire_version=row.questionnaire_version,
        submitted_at=row.submitted_at,
        answers=QuizAnswers.model_validate(row.answers),
    )
