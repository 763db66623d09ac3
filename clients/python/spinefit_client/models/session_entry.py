from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.exercise_done import ExerciseDone


T = TypeVar("T", bound="SessionEntry")


@_attrs_define
class SessionEntry:
    """
    Attributes:
        at (datetime.datetime): Event time: `completed_at`
        completed_at (datetime.datetime):
        exercises (list[ExerciseDone]):
        kind (Literal['session']):
        received_at (datetime.datetime):
        session_id (str):
        started_at (datetime.datetime):
    """

    at: datetime.datetime
    completed_at: datetime.datetime
    exercises: list[ExerciseDone]
    kind: Literal["session"]
    received_at: datetime.datetime
    session_id: str
    started_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        completed_at = self.completed_at.isoformat()

        exercises = []
        for exercises_item_data in self.exercises:
            exercises_item = exercises_item_data.to_dict()
            exercises.append(exercises_item)

        kind = self.kind

        received_at = self.received_at.isoformat()

        session_id = self.session_id

        started_at = self.started_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "completed_at": completed_at,
                "exercises": exercises,
                "kind": kind,
                "received_at": received_at,
                "session_id": session_id,
                "started_at": started_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exercise_done import ExerciseDone  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        completed_at = datetime.datetime.fromisoformat(d.pop("completed_at"))

        exercises = []
        _exercises = d.pop("exercises")
        for exercises_item_data in _exercises:
            exercises_item = ExerciseDone.from_dict(exercises_item_data)

            exercises.append(exercises_item)

        kind = cast(Literal["session"], d.pop("kind"))
        if kind != "session":
            raise ValueError(f"kind must match const 'session', got '{kind}'")

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        session_id = d.pop("session_id")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        session_entry = cls(
            at=at,
            completed_at=completed_at,
            exercises=exercises,
            kind=kind,
            received_at=received_at,
            session_id=session_id,
            started_at=started_at,
        )

        session_entry.additional_properties = d
        return session_entry

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
