from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.exercise_removed_data import ExerciseRemovedData


T = TypeVar("T", bound="ExerciseRemovedPayload")


@_attrs_define
class ExerciseRemovedPayload:
    """Sent when an exercise is taken out of a user's plan.

    Attributes:
        data (ExerciseRemovedData): Which exercise and which rule; never the evidence.
        timestamp (datetime.datetime): When the event occurred
        type_ (Literal['exercise-removed']):
    """

    data: ExerciseRemovedData
    timestamp: datetime.datetime
    type_: Literal["exercise-removed"]

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        timestamp = self.timestamp.isoformat()

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "timestamp": timestamp,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exercise_removed_data import ExerciseRemovedData  # noqa: PLC0415

        d = dict(src_dict)
        data = ExerciseRemovedData.from_dict(d.pop("data"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        type_ = cast(Literal["exercise-removed"], d.pop("type"))
        if type_ != "exercise-removed":
            raise ValueError(f"type must match const 'exercise-removed', got '{type_}'")

        exercise_removed_payload = cls(
            data=data,
            timestamp=timestamp,
            type_=type_,
        )

        return exercise_removed_payload
