from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.exercise import Exercise


T = TypeVar("T", bound="ExerciseLibrary")


@_attrs_define
class ExerciseLibrary:
    """The whole library: static data, at most `MAX_EXERCISES` exercises, so not paged.

    Attributes:
        exercises (list[Exercise]):
        version (str):
    """

    exercises: list[Exercise]
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        exercises = []
        for exercises_item_data in self.exercises:
            exercises_item = exercises_item_data.to_dict()
            exercises.append(exercises_item)

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "exercises": exercises,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exercise import Exercise  # noqa: PLC0415

        d = dict(src_dict)
        exercises = []
        _exercises = d.pop("exercises")
        for exercises_item_data in _exercises:
            exercises_item = Exercise.from_dict(exercises_item_data)

            exercises.append(exercises_item)

        version = d.pop("version")

        exercise_library = cls(
            exercises=exercises,
            version=version,
        )

        exercise_library.additional_properties = d
        return exercise_library

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
