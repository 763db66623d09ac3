from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.exercise_done_pain_locations_item import ExerciseDonePainLocationsItem
from ..models.exercise_done_pain_qualities_item import ExerciseDonePainQualitiesItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExerciseDone")


@_attrs_define
class ExerciseDone:
    """
    Attributes:
        exercise_id (str):
        pain_during (int):
        sets (int):
        hold_s (int | None | Unset):
        pain_locations (list[ExerciseDonePainLocationsItem] | Unset):
        pain_qualities (list[ExerciseDonePainQualitiesItem] | Unset):
        reps (int | None | Unset):
    """

    exercise_id: str
    pain_during: int
    sets: int
    hold_s: int | None | Unset = UNSET
    pain_locations: list[ExerciseDonePainLocationsItem] | Unset = UNSET
    pain_qualities: list[ExerciseDonePainQualitiesItem] | Unset = UNSET
    reps: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        exercise_id = self.exercise_id

        pain_during = self.pain_during

        sets = self.sets

        hold_s: int | None | Unset
        if isinstance(self.hold_s, Unset):
            hold_s = UNSET
        else:
            hold_s = self.hold_s

        pain_locations: list[str] | Unset = UNSET
        if not isinstance(self.pain_locations, Unset):
            pain_locations = []
            for pain_locations_item_data in self.pain_locations:
                pain_locations_item = pain_locations_item_data.value
                pain_locations.append(pain_locations_item)

        pain_qualities: list[str] | Unset = UNSET
        if not isinstance(self.pain_qualities, Unset):
            pain_qualities = []
            for pain_qualities_item_data in self.pain_qualities:
                pain_qualities_item = pain_qualities_item_data.value
                pain_qualities.append(pain_qualities_item)

        reps: int | None | Unset
        if isinstance(self.reps, Unset):
            reps = UNSET
        else:
            reps = self.reps

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "exercise_id": exercise_id,
                "pain_during": pain_during,
                "sets": sets,
            }
        )
        if hold_s is not UNSET:
            field_dict["hold_s"] = hold_s
        if pain_locations is not UNSET:
            field_dict["pain_locations"] = pain_locations
        if pain_qualities is not UNSET:
            field_dict["pain_qualities"] = pain_qualities
        if reps is not UNSET:
            field_dict["reps"] = reps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        exercise_id = d.pop("exercise_id")

        pain_during = d.pop("pain_during")

        sets = d.pop("sets")

        def _parse_hold_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        hold_s = _parse_hold_s(d.pop("hold_s", UNSET))

        _pain_locations = d.pop("pain_locations", UNSET)
        pain_locations: list[ExerciseDonePainLocationsItem] | Unset = UNSET
        if _pain_locations is not UNSET:
            pain_locations = []
            for pain_locations_item_data in _pain_locations:
                pain_locations_item = ExerciseDonePainLocationsItem(pain_locations_item_data)

                pain_locations.append(pain_locations_item)

        _pain_qualities = d.pop("pain_qualities", UNSET)
        pain_qualities: list[ExerciseDonePainQualitiesItem] | Unset = UNSET
        if _pain_qualities is not UNSET:
            pain_qualities = []
            for pain_qualities_item_data in _pain_qualities:
                pain_qualities_item = ExerciseDonePainQualitiesItem(pain_qualities_item_data)

                pain_qualities.append(pain_qualities_item)

        def _parse_reps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reps = _parse_reps(d.pop("reps", UNSET))

        exercise_done = cls(
            exercise_id=exercise_id,
            pain_during=pain_during,
            sets=sets,
            hold_s=hold_s,
            pain_locations=pain_locations,
            pain_qualities=pain_qualities,
            reps=reps,
        )

        return exercise_done
