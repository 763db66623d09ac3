"""Helpers for planner tests: publish events as another service would, read plan-generated."""

from __future__ import annotations

import uuid
from typing import Any

import redis
from fastapi import FastAPI
from faststream.redis.parser import BinaryMessageFormatV1

from shared.events.base import Event
from shared.events.plans import PlanGenerated
from shared.events.quiz import QuizCompleted
from shared.events.quiz_answers import QuizAnswers


async def publish(app: FastAPI, *events: Event) -> None:
    """Through the app's own outbox and relay: the same path every service's events take."""
    async with app.state.db.unit_of_work() as uow:
        await uow.emit(*events)
    await app.state.bus.relay.relay_once()


def quiz_completed(tenant_id: str, user_id: str, answers: QuizAnswers, **kw: Any) -> QuizCompleted:
    return QuizCompleted(
        tenant_id=tenant_id,
        user_id=user_id,
        response_id=uuid.uuid4(),
        questionnaire_version="1",
        answers=answers,
        **kw,
    )


def plans_generated(client: redis.Redis, prefix: str) -> list[PlanGenerated]:
    found = []
    for _, fields in client.xrange(f"{prefix}{PlanGenerated.TYPE}"):
        body, _ = BinaryMessageFormatV1.parse(fields[b"__data__"])
        found.append(PlanGenerated.model_validate_json(body))
    return found
