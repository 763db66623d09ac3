from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.exercise_category import ExerciseCategory
from ..models.exercise_directions_loaded_item import ExerciseDirectionsLoadedItem
from ..models.exercise_equipment_item import ExerciseEquipmentItem
from ..models.exercise_foundation_type_0 import ExerciseFoundationType0
from ..models.exercise_goals_item import ExerciseGoalsItem
from ..models.exercise_loads_item import ExerciseLoadsItem
from ..models.exercise_phases_item import ExercisePhasesItem
from ..models.exercise_position import ExercisePosition
from ..models.exercise_reproduces_item import ExerciseReproducesItem
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dose import Dose
    from ..models.safety_profile import SafetyProfile


T = TypeVar("T", bound="Exercise")


@_attrs_define
class Exercise:
    """
    Attributes:
        category (ExerciseCategory):
        dose (Dose): How much: sets of reps, of a hold in seconds, or minutes of continuous work.
        equipment (list[ExerciseEquipmentItem]): Everything needed at once; empty is body weight only.
        external_load (bool): Weights, bands or a machine add resistance.
        family (str):
        id (str):
        instructions (str):
        name (str):
        phases (list[ExercisePhasesItem]):
        position (ExercisePosition):
        safety (SafetyProfile): Who checked the tags and phases of this exercise. Unreviewed: never prescribed.
        activation (bool | Unset): Glute activation (glute gate). Default: False.
        directions_loaded (list[ExerciseDirectionsLoadedItem] | Unset):
        foundation (ExerciseFoundationType0 | None | Unset):
        goals (list[ExerciseGoalsItem] | Unset):
        hip_strength (bool | Unset): Lower-body strength that loads the glutes and hips under body weight (squats,
            lunges, step-ups, jumps): behind the glute gate like added load. Default: False.
        loads (list[ExerciseLoadsItem] | Unset):
        progression (None | str | Unset):
        regression (None | str | Unset):
        reproduces (list[ExerciseReproducesItem] | Unset):
    """

    category: ExerciseCategory
    dose: Dose
    equipment: list[ExerciseEquipmentItem]
    external_load: bool
    family: str
    id: str
    instructions: str
    name: str
    phases: list[ExercisePhasesItem]
    position: ExercisePosition
    safety: SafetyProfile
    activation: bool | Unset = False
    directions_loaded: list[ExerciseDirectionsLoadedItem] | Unset = UNSET
    foundation: ExerciseFoundationType0 | None | Unset = UNSET
    goals: list[ExerciseGoalsItem] | Unset = UNSET
    hip_strength: bool | Unset = False
    loads: list[ExerciseLoadsItem] | Unset = UNSET
    progression: None | str | Unset = UNSET
    regression: None | str | Unset = UNSET
    reproduces: list[ExerciseReproducesItem] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        category = self.category.value

        dose = self.dose.to_dict()

        equipment = []
        for equipment_item_data in self.equipment:
            equipment_item = equipment_item_data.value
            equipment.append(equipment_item)

        external_load = self.external_load

        family = self.family

        id = self.id

        instructions = self.instructions

        name = self.name

        phases = []
        for phases_item_data in self.phases:
            phases_item = phases_item_data.value
            phases.append(phases_item)

        position = self.position.value

        safety = self.safety.to_dict()

        activation = self.activation

        directions_loaded: list[str] | Unset = UNSET
        if not isinstance(self.directions_loaded, Unset):
            directions_loaded = []
            for directions_loaded_item_data in self.directions_loaded:
                directions_loaded_item = directions_loaded_item_data.value
                directions_loaded.append(directions_loaded_item)

        foundation: None | str | Unset
        if isinstance(self.foundation, Unset):
            foundation = UNSET
        elif isinstance(self.foundation, ExerciseFoundationType0):
            foundation = self.foundation.value
        else:
            foundation = self.foundation

        goals: list[str] | Unset = UNSET
        if not isinstance(self.goals, Unset):
            goals = []
            for goals_item_data in self.goals:
                goals_item = goals_item_data.value
                goals.append(goals_item)

        hip_strength = self.hip_strength

        loads: list[str] | Unset = UNSET
        if not isinstance(self.loads, Unset):
            loads = []
            for loads_item_data in self.loads:
                loads_item = loads_item_data.value
                loads.append(loads_item)

        progression: None | str | Unset
        if isinstance(self.progression, Unset):
            progression = UNSET
        else:
            progression = self.progression

        regression: None | str | Unset
        if isinstance(self.regression, Unset):
            regression = UNSET
        else:
            regression = self.regression

        reproduces: list[str] | Unset = UNSET
        if not isinstance(self.reproduces, Unset):
            reproduces = []
            for reproduces_item_data in self.reproduces:
                reproduces_item = reproduces_item_data.value
                reproduces.append(reproduces_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "category": category,
                "dose": dose,
                "equipment": equipment,
                "external_load": external_load,
                "family": family,
                "id": id,
                "instructions": instructions,
                "name": name,
                "phases": phases,
                "position": position,
                "safety": safety,
            }
        )
        if activation is not UNSET:
            field_dict["activation"] = activation
        if directions_loaded is not UNSET:
            field_dict["directions_loaded"] = directions_loaded
        if foundation is not UNSET:
            field_dict["foundation"] = foundation
        if goals is not UNSET:
            field_dict["goals"] = goals
        if hip_strength is not UNSET:
            field_dict["hip_strength"] = hip_strength
        if loads is not UNSET:
            field_dict["loads"] = loads
        if progression is not UNSET:
            field_dict["progression"] = progression
        if regression is not UNSET:
            field_dict["regression"] = regression
        if reproduces is not UNSET:
            field_dict["reproduces"] = reproduces

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dose import Dose  # noqa: PLC0415
        from ..models.safety_profile import SafetyProfile  # noqa: PLC0415

        d = dict(src_dict)
        category = ExerciseCategory(d.pop("category"))

        dose = Dose.from_dict(d.pop("dose"))

        equipment = []
        _equipment = d.pop("equipment")
        for equipment_item_data in _equipment:
            equipment_item = ExerciseEquipmentItem(equipment_item_data)

            equipment.append(equipment_item)

        external_load = d.pop("external_load")

        family = d.pop("family")

        id = d.pop("id")

        instructions = d.pop("instructions")

        name = d.pop("name")

        phases = []
        _phases = d.pop("phases")
        for phases_item_data in _phases:
            phases_item = ExercisePhasesItem(phases_item_data)

            phases.append(phases_item)

        position = ExercisePosition(d.pop("position"))

        safety = SafetyProfile.from_dict(d.pop("safety"))

        activation = d.pop("activation", UNSET)

        _directions_loaded = d.pop("directions_loaded", UNSET)
        directions_loaded: list[ExerciseDirectionsLoadedItem] | Unset = UNSET
        if _directions_loaded is not UNSET:
            directions_loaded = []
            for directions_loaded_item_data in _directions_loaded:
                directions_loaded_item = ExerciseDirectionsLoadedItem(directions_loaded_item_data)

                directions_loaded.append(directions_loaded_item)

        def _parse_foundation(data: object) -> ExerciseFoundationType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                foundation_type_0 = ExerciseFoundationType0(data)

                return foundation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExerciseFoundationType0 | None | Unset, data)

        foundation = _parse_foundation(d.pop("foundation", UNSET))

        _goals = d.pop("goals", UNSET)
        goals: list[ExerciseGoalsItem] | Unset = UNSET
        if _goals is not UNSET:
            goals = []
            for goals_item_data in _goals:
                goals_item = ExerciseGoalsItem(goals_item_data)

                goals.append(goals_item)

        hip_strength = d.pop("hip_strength", UNSET)

        _loads = d.pop("loads", UNSET)
        loads: list[ExerciseLoadsItem] | Unset = UNSET
        if _loads is not UNSET:
            loads = []
            for loads_item_data in _loads:
                loads_item = ExerciseLoadsItem(loads_item_data)

                loads.append(loads_item)

        def _parse_progression(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        progression = _parse_progression(d.pop("progression", UNSET))

        def _parse_regression(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        regression = _parse_regression(d.pop("regression", UNSET))

        _reproduces = d.pop("reproduces", UNSET)
        reproduces: list[ExerciseReproducesItem] | Unset = UNSET
        if _reproduces is not UNSET:
            reproduces = []
            for reproduces_item_data in _reproduces:
                reproduces_item = ExerciseReproducesItem(reproduces_item_data)

                reproduces.append(reproduces_item)

        exercise = cls(
            category=category,
            dose=dose,
            equipment=equipment,
            external_load=external_load,
            family=family,
            id=id,
            instructions=instructions,
            name=name,
            phases=phases,
            position=position,
            safety=safety,
            activation=activation,
            directions_loaded=directions_loaded,
            foundation=foundation,
            goals=goals,
            hip_strength=hip_strength,
            loads=loads,
            progression=progression,
            regression=regression,
            reproduces=reproduces,
        )

        return exercise
