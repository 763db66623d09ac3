"""Events of the pain log service: what the user did and what they felt, in event time.

`SessionReport` and `PainReport` are what a client sends (the bodies of
`POST /v1/users/{user_id}/sessions` and `/pain`); `SessionDone` and `PainLogged` are the
same fields inside the event envelope. Cross-field rules are field validators, so a rejected
report names the field at fault (`exercises.0.hold_s`, `completed_at`, `exercise_id`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
)

from shared.events import streams
from shared.events.base import Frozen, UserEvent, at_most

PainQuality = Literal["ache", "burning", "shooting", "radiating", "numbness", "tingling"]
# From the back down to the foot: "further down the leg" compares positions in this order.
PainLocation = Literal["lower_back", "buttock", "thigh", "knee", "calf", "foot"]
PainContext = Literal["after_exercise", "next_morning", "other"]
PainLevel = Field(ge=0, le=10)
# Qualities that, during or right after an exercise, remove it at once (DOMAIN.md section 4,
# rule one). Reports that carry them, or name where the pain went (it may have spread
# further down the leg than usual), travel on the priority lane too.
RULE_ONE_QUALITIES: frozenset[str] = frozenset({"burning", "shooting", "radiating"})


def _may_fire_rule_one(qualities: tuple[str, ...], locations: tuple[str, ...]) -> bool:
    return bool(locations) or not RULE_ONE_QUALITIES.isdisjoint(qualities)


def _not_a_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


# A whole number that a JSON `true` or `false` is not (pydantic would read them as 1 and 0);
# 5 and 5.0 are both 5.
Count = Annotated[int, BeforeValidator(_not_a_bool)]
# A client's own id for a report: printable ASCII without spaces (no control characters to
# reach logs or a NUL that PostgreSQL refuses).
ClientId = Field(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")
EARLIEST_YEAR = 2000


def _plausible_time(at: datetime) -> datetime:
    try:
        at.astimezone(UTC)
    except OverflowError:
        raise ValueError("is not a time that can be expressed in UTC") from None
    if at.astimezone(UTC).year < EARLIEST_YEAR:
        raise ValueError(f"must not be before {EARLIEST_YEAR}")
    return at


# When something happened, with its zone, convertible to UTC and not before 2000.
EventTime = Annotated[AwareDatetime, AfterValidator(_plausible_time)]
ExerciseSlug = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")
# Each list names a few of a handful of values; the bound only stops absurd payloads.
_MAX_LISTED = 16
_T = TypeVar("_T")
# A short list of choices: longer than _MAX_LISTED is refused before its items are read.
Listed = Annotated[tuple[_T, ...], Field(max_length=_MAX_LISTED), at_most(_MAX_LISTED)]


class ExerciseDone(Frozen):
    exercise_id: str = ExerciseSlug
    sets: Count = Field(ge=1, le=50)
    reps: Count | None = Field(default=None, ge=1, le=500)
    hold_s: Count | None = Field(default=None, ge=1, le=3600, validate_default=True)
    pain_during: Count = PainLevel
    pain_qualities: Listed[PainQuality] = ()
    pain_locations: Listed[PainLocation] = ()

    @field_validator("hold_s")
    @classmethod
    def _reps_or_hold(cls, hold_s: int | None, info: ValidationInfo) -> int | None:
        if "reps" not in info.data:
            return hold_s  # reps itself was invalid and is reported on its own
        if (info.data["reps"] is None) == (hold_s is None):
            raise ValueError("give exactly one of reps or hold_s")
        return hold_s


class SessionReport(Frozen):
    """A finished session as the client reports it."""

    session_id: str = ClientId
    started_at: EventTime
    completed_at: EventTime
    # "At least one" is checked after the items (pydantic's min_length would also report an
    # empty tuple whenever every item is invalid); the schema still says minItems 1.
    exercises: Annotated[tuple[ExerciseDone, ...], at_most(100)] = Field(
        max_length=100, json_schema_extra={"minItems": 1}
    )

    @field_validator("exercises")
    @classmethod
    def _at_least_one_exercise(cls, exercises: tuple[ExerciseDone, ...]) -> object:
        if not exercises:
            raise ValueError("a session has at least one exercise")
        return exercises

    @field_validator("completed_at")
    @classmethod
    def _ends_after_it_starts(cls, completed_at: AwareDatetime, info: ValidationInfo) -> object:
        started_at = info.data.get("started_at")
        if started_at is not None and completed_at < started_at:
            raise ValueError("completed_at is before started_at")
        return completed_at


class SessionDone(UserEvent, SessionReport):
    TYPE: ClassVar[str] = streams.SESSION_DONE
    event_type: Literal["session-done"] = "session-done"
    schema_version: Literal[1] = 1

    @property
    def urgent(self) -> bool:
        return any(_may_fire_rule_one(e.pain_qualities, e.pain_locations) for e in self.exercises)


class MorningContext(Frozen):
    """What else happened the day before: it may explain a flare instead of an exercise."""

    hours_sat: float | None = Field(default=None, ge=0, le=24)
    heavy_lifting: bool | None = None
    sleep_hours: float | None = Field(default=None, ge=0, le=24)
    stress: Count | None = Field(default=None, ge=0, le=10)


class PainReport(Frozen):
    """A pain observation as the client reports it; `observed_at` is when it was felt."""

    log_id: str = ClientId
    observed_at: EventTime
    level: Count = PainLevel
    context: PainContext
    exercise_id: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,79}$", validate_default=True
    )
    session_id: str | None = Field(
        default=None, min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$"
    )
    qualities: Listed[PainQuality] = ()
    locations: Listed[PainLocation] = ()
    morning: MorningContext | None = None

    @field_validator("exercise_id")
    @classmethod
    def _after_exercise_names_it(cls, exercise_id: str | None, info: ValidationInfo) -> object:
        if info.data.get("context") == "after_exercise" and exercise_id is None:
            raise ValueError("an after_exercise log needs its exercise_id")
        return exercise_id


class PainLogged(UserEvent, PainReport):
    TYPE: ClassVar[str] = streams.PAIN_LOGGED
    event_type: Literal["pain-logged"] = "pain-logged"
    schema_version: Literal[1] = 1

    @property
    def urgent(self) -> bool:
        return self.context == "after_exercise" and _may_fire_rule_one(
            self.qualities, self.locations
        )
