"""Events of the pain log service: what the user did and what they felt, in event time."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field, model_validator

from shared.events import streams
from shared.events.base import Frozen, UserEvent

PainQuality = Literal["ache", "burning", "shooting", "radiating", "numbness", "tingling"]
# From the back down to the foot: "further down the leg" compares positions in this order.
PainLocation = Literal["lower_back", "buttock", "thigh", "knee", "calf", "foot"]
PainContext = Literal["after_exercise", "next_morning", "other"]
PainLevel = Field(ge=0, le=10)
ExerciseSlug = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")


class ExerciseDone(Frozen):
    exercise_id: str = ExerciseSlug
    sets: int = Field(ge=1, le=50)
    reps: int | None = Field(default=None, ge=1, le=500)
    hold_s: int | None = Field(default=None, ge=1, le=3600)
    pain_during: int = PainLevel
    pain_qualities: tuple[PainQuality, ...] = ()
    pain_locations: tuple[PainLocation, ...] = ()

    @model_validator(mode="after")
    def _reps_or_hold(self) -> ExerciseDone:
        if (self.reps is None) == (self.hold_s is None):
            raise ValueError("give exactly one of reps or hold_s")
        return self


class SessionDone(UserEvent):
    TYPE: ClassVar[str] = streams.SESSION_DONE
    event_type: Literal["session-done"] = "session-done"
    schema_version: Literal[1] = 1
    session_id: str = Field(min_length=1, max_length=128)
    started_at: AwareDatetime
    completed_at: AwareDatetime
    exercises: tuple[ExerciseDone, ...] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> SessionDone:
        if self.completed_at < self.started_at:
            raise ValueError("completed_at is before started_at")
        return self


class MorningContext(Frozen):
    """What else happened the day before: it may explain a flare instead of an exercise."""

    hours_sat: float | None = Field(default=None, ge=0, le=24)
    heavy_lifting: bool | None = None
    sleep_hours: float | None = Field(default=None, ge=0, le=24)
    stress: int | None = Field(default=None, ge=0, le=10)


class PainLogged(UserEvent):
    TYPE: ClassVar[str] = streams.PAIN_LOGGED
    event_type: Literal["pain-logged"] = "pain-logged"
    schema_version: Literal[1] = 1
    log_id: str = Field(min_length=1, max_length=128)
    observed_at: AwareDatetime
    level: int = PainLevel
    context: PainContext
    exercise_id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")
    session_id: str | None = Field(default=None, min_length=1, max_length=128)
    qualities: tuple[PainQuality, ...] = ()
    locations: tuple[PainLocation, ...] = ()
    morning: MorningContext | None = None

    @model_validator(mode="after")
    def _after_exercise_names_it(self) -> PainLogged:
        if self.context == "after_exercise" and self.exercise_id is None:
            raise ValueError("an after_exercise log needs its exercise_id")
        return self
