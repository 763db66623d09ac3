from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.plan_view_days_item import PlanViewDaysItem
from ..models.plan_view_phase import PlanViewPhase
from ..models.plan_view_status import PlanViewStatus
from ..models.plan_view_trigger import PlanViewTrigger

if TYPE_CHECKING:
    from ..models.excluded_view import ExcludedView
    from ..models.paused import Paused
    from ..models.planned_exercise_view import PlannedExerciseView
    from ..models.removed_view import RemovedView


T = TypeVar("T", bound="PlanView")


@_attrs_define
class PlanView:
    """The user's current plan.

    Attributes:
        created_at (datetime.datetime):
        days (list[PlanViewDaysItem]):
        excluded (list[ExcludedView]):
        exercises (list[PlannedExerciseView]):
        glute_gate_open (bool):
        library_version (str):
        paused (None | Paused): Set while a referral pauses the plan
        phase (PlanViewPhase):
        phase_reasons (list[str]):
        plan_id (UUID):
        removed (list[RemovedView]):
        status (PlanViewStatus):
        trigger (PlanViewTrigger):
        user_id (str):
        version (int):
    """

    created_at: datetime.datetime
    days: list[PlanViewDaysItem]
    excluded: list[ExcludedView]
    exercises: list[PlannedExerciseView]
    glute_gate_open: bool
    library_version: str
    paused: None | Paused
    phase: PlanViewPhase
    phase_reasons: list[str]
    plan_id: UUID
    removed: list[RemovedView]
    status: PlanViewStatus
    trigger: PlanViewTrigger
    user_id: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.paused import Paused  # noqa: PLC0415

        created_at = self.created_at.isoformat()

        days = []
        for days_item_data in self.days:
            days_item = days_item_data.value
            days.append(days_item)

        excluded = []
        for excluded_item_data in self.excluded:
            excluded_item = excluded_item_data.to_dict()
            excluded.append(excluded_item)

        exercises = []
        for exercises_item_data in self.exercises:
            exercises_item = exercises_item_data.to_dict()
            exercises.append(exercises_item)

        glute_gate_open = self.glute_gate_open

        library_version = self.library_version

        paused: dict[str, Any] | None
        if isinstance(self.paused, Paused):
            paused = self.paused.to_dict()
        else:
            paused = self.paused

        phase = self.phase.value

        phase_reasons = self.phase_reasons

        plan_id = str(self.plan_id)

        removed = []
        for removed_item_data in self.removed:
            removed_item = removed_item_data.to_dict()
            removed.append(removed_item)

        status = self.status.value

        trigger = self.trigger.value

        user_id = self.user_id

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "days": days,
                "excluded": excluded,
                "exercises": exercises,
                "glute_gate_open": glute_gate_open,
                "library_version": library_version,
                "paused": paused,
                "phase": phase,
                "phase_reasons": phase_reasons,
                "plan_id": plan_id,
                "removed": removed,
                "status": status,
                "trigger": trigger,
                "user_id": user_id,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.excluded_view import ExcludedView  # noqa: PLC0415
        from ..models.paused import Paused  # noqa: PLC0415
        from ..models.planned_exercise_view import PlannedExerciseView  # noqa: PLC0415
        from ..models.removed_view import RemovedView  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = PlanViewDaysItem(days_item_data)

            days.append(days_item)

        excluded = []
        _excluded = d.pop("excluded")
        for excluded_item_data in _excluded:
            excluded_item = ExcludedView.from_dict(excluded_item_data)

            excluded.append(excluded_item)

        exercises = []
        _exercises = d.pop("exercises")
        for exercises_item_data in _exercises:
            exercises_item = PlannedExerciseView.from_dict(exercises_item_data)

            exercises.append(exercises_item)

        glute_gate_open = d.pop("glute_gate_open")

        library_version = d.pop("library_version")

        def _parse_paused(data: object) -> None | Paused:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                paused_type_0 = Paused.from_dict(data)

                return paused_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Paused, data)

        paused = _parse_paused(d.pop("paused"))

        phase = PlanViewPhase(d.pop("phase"))

        phase_reasons = cast(list[str], d.pop("phase_reasons"))

        plan_id = UUID(d.pop("plan_id"))

        removed = []
        _removed = d.pop("removed")
        for removed_item_data in _removed:
            removed_item = RemovedView.from_dict(removed_item_data)

            removed.append(removed_item)

        status = PlanViewStatus(d.pop("status"))

        trigger = PlanViewTrigger(d.pop("trigger"))

        user_id = d.pop("user_id")

        version = d.pop("version")

        plan_view = cls(
            created_at=created_at,
            days=days,
            excluded=excluded,
            exercises=exercises,
            glute_gate_open=glute_gate_open,
            library_version=library_version,
            paused=paused,
            phase=phase,
            phase_reasons=phase_reasons,
            plan_id=plan_id,
            removed=removed,
            status=status,
            trigger=trigger,
            user_id=user_id,
            version=version,
        )

        plan_view.additional_properties = d
        return plan_view

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
