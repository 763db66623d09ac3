"""Events of the quiz service."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from shared.events import streams
from shared.events.base import Frozen, UserEvent
from shared.events.quiz_answers import QuizAnswers

ReferralLevel = Literal["emergency", "same_day", "clearance"]


class QuizCompleted(UserEvent):
    """A quiz that passed red-flag screening; the planner builds a plan from it."""

    TYPE: ClassVar[str] = streams.QUIZ_COMPLETED
    event_type: Literal["quiz-completed"] = "quiz-completed"
    schema_version: Literal[1] = 1
    response_id: uuid.UUID
    questionnaire_version: str
    answers: QuizAnswers


class ReferralReason(Frozen):
    code: str = Field(min_length=1, max_length=64)
    level: ReferralLevel
    message: str = Field(min_length=1, max_length=500)


class UserReferred(UserEvent):
    """Red flags found: no plan; the user is routed to a clinician (DOMAIN.md section 1)."""

    TYPE: ClassVar[str] = streams.USER_REFERRED
    PUBLIC: ClassVar[bool] = True
    event_type: Literal["user-referred"] = "user-referred"
    schema_version: Literal[1] = 1
    response_id: uuid.UUID
    level: ReferralLevel
    reasons: tuple[ReferralReason, ...] = Field(min_length=1)
