"""Events of the planner service."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import Field

from shared.events import streams
from shared.events.base import UserEvent

PlanTrigger = Literal["quiz", "removal", "progression"]


class PlanGenerated(UserEvent):
    """A new plan version exists. Thin on purpose: details are fetched through the API."""

    TYPE: ClassVar[str] = streams.PLAN_GENERATED
    PUBLIC: ClassVar[bool] = True
    event_type: Literal["plan-generated"] = "plan-generated"
    schema_version: Literal[1] = 1
    plan_id: uuid.UUID
    version: int = Field(ge=1)
    trigger: PlanTrigger
    exercise_ids: tuple[str, ...]
    removed_exercise_ids: tuple[str, ...] = ()
