from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exercise_done import ExerciseDone


T = TypeVar("T", bound="SessionReport")


@_attrs_define
class SessionReport:
    """A finished session as the client reports it.

    Attributes:
        completed_at (datetime.datetime):
        exercises (list[ExerciseDone]):
        session_id (str):
        started_at (datetime.datetime):
    """

    completed_at: datetime.datetime
    exercises: list[ExerciseDone]
    session_id: str
    started_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        completed_at = self.completed_at.isoformat()

        exercises = []
        for exercises_item_data in self.exercises:
            exercises_item = exercises_item_data.to_dict()
            exercises.append(exercises_item)

        session_id = self.session_id

        started_at = self.started_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "completed_at": completed_at,
                "exercises": exercises,
                "session_id": session_id,
                "started_at": started_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exercise_done import ExerciseDone  # noqa: PLC0415

        d = dict(src_dict)
        completed_at = datetime.datetime.fromisoformat(d.pop("completed_at"))

        exercises = []
        _exercises = d.pop("exercises")
        for exercises_item_data in _exercises:
            exercises_item = ExerciseDone.from_dict(exercises_item_data)

            exercises.append(exercises_item)

        session_id = d.pop("session_id")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        session_report = cls(
            completed_at=completed_at,
            exercises=exercises,
            session_id=session_id,
            started_at=started_at,
        )

        return session_report
