from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.planned_exercise_view_category import PlannedExerciseViewCategory
from ..models.planned_exercise_view_days_item import PlannedExerciseViewDaysItem
from ..models.planned_exercise_view_equipment_item import PlannedExerciseViewEquipmentItem
from ..models.planned_exercise_view_position_type_0 import PlannedExerciseViewPositionType0

if TYPE_CHECKING:
    from ..models.dose import Dose


T = TypeVar("T", bound="PlannedExerciseView")


@_attrs_define
class PlannedExerciseView:
    """One exercise of the plan, with how to do it, so a client needs no second call.

    Attributes:
        category (PlannedExerciseViewCategory):
        days (list[PlannedExerciseViewDaysItem]):
        dose (Dose): How much: sets of reps, of a hold in seconds, or minutes of continuous work.
        equipment (list[PlannedExerciseViewEquipmentItem]):
        id (str):
        instructions (None | str):
        name (str):
        position (None | PlannedExerciseViewPositionType0):
        why (str):
    """

    category: PlannedExerciseViewCategory
    days: list[PlannedExerciseViewDaysItem]
    dose: Dose
    equipment: list[PlannedExerciseViewEquipmentItem]
    id: str
    instructions: None | str
    name: str
    position: None | PlannedExerciseViewPositionType0
    why: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category.value

        days = []
        for days_item_data in self.days:
            days_item = days_item_data.value
            days.append(days_item)

        dose = self.dose.to_dict()

        equipment = []
        for equipment_item_data in self.equipment:
            equipment_item = equipment_item_data.value
            equipment.append(equipment_item)

        id = self.id

        instructions: None | str
        instructions = self.instructions

        name = self.name

        position: None | str
        if isinstance(self.position, PlannedExerciseViewPositionType0):
            position = self.position.value
        else:
            position = self.position

        why = self.why

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "days": days,
                "dose": dose,
                "equipment": equipment,
                "id": id,
                "instructions": instructions,
                "name": name,
                "position": position,
                "why": why,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dose import Dose  # noqa: PLC0415

        d = dict(src_dict)
        category = PlannedExerciseViewCategory(d.pop("category"))

        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = PlannedExerciseViewDaysItem(days_item_data)

            days.append(days_item)

        dose = Dose.from_dict(d.pop("dose"))

        equipment = []
        _equipment = d.pop("equipment")
        for equipment_item_data in _equipment:
            equipment_item = PlannedExerciseViewEquipmentItem(equipment_item_data)

            equipment.append(equipment_item)

        id = d.pop("id")

        def _parse_instructions(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        instructions = _parse_instructions(d.pop("instructions"))

        name = d.pop("name")

        def _parse_position(data: object) -> None | PlannedExerciseViewPositionType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                position_type_0 = PlannedExerciseViewPositionType0(data)

                return position_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlannedExerciseViewPositionType0, data)

        position = _parse_position(d.pop("position"))

        why = d.pop("why")

        planned_exercise_view = cls(
            category=category,
            days=days,
            dose=dose,
            equipment=equipment,
            id=id,
            instructions=instructions,
            name=name,
            position=position,
            why=why,
        )

        planned_exercise_view.additional_properties = d
        return planned_exercise_view

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
