from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.version_view_phase import VersionViewPhase
from ..models.version_view_trigger import VersionViewTrigger

if TYPE_CHECKING:
    from ..models.plan_changes import PlanChanges
    from ..models.quiz_reason import QuizReason
    from ..models.removal_reason import RemovalReason


T = TypeVar("T", bound="VersionView")


@_attrs_define
class VersionView:
    """One version of a user's plan: what it holds, what changed and why.

    Attributes:
        changes (PlanChanges):
        created_at (datetime.datetime):
        exercise_ids (list[str]):
        phase (VersionViewPhase):
        removed_ids (list[str]):
        trigger (VersionViewTrigger):
        version (int):
        why (list[QuizReason | RemovalReason]):
    """

    changes: PlanChanges
    created_at: datetime.datetime
    exercise_ids: list[str]
    phase: VersionViewPhase
    removed_ids: list[str]
    trigger: VersionViewTrigger
    version: int
    why: list[QuizReason | RemovalReason]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.quiz_reason import QuizReason  # noqa: PLC0415

        changes = self.changes.to_dict()

        created_at = self.created_at.isoformat()

        exercise_ids = self.exercise_ids

        phase = self.phase.value

        removed_ids = self.removed_ids

        trigger = self.trigger.value

        version = self.version

        why = []
        for why_item_data in self.why:
            why_item: dict[str, Any]
            if isinstance(why_item_data, QuizReason):
                why_item = why_item_data.to_dict()
            else:
                why_item = why_item_data.to_dict()

            why.append(why_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "changes": changes,
                "created_at": created_at,
                "exercise_ids": exercise_ids,
                "phase": phase,
                "removed_ids": removed_ids,
                "trigger": trigger,
                "version": version,
                "why": why,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_changes import PlanChanges  # noqa: PLC0415
        from ..models.quiz_reason import QuizReason  # noqa: PLC0415
        from ..models.removal_reason import RemovalReason  # noqa: PLC0415

        d = dict(src_dict)
        changes = PlanChanges.from_dict(d.pop("changes"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        exercise_ids = cast(list[str], d.pop("exercise_ids"))

        phase = VersionViewPhase(d.pop("phase"))

        removed_ids = cast(list[str], d.pop("removed_ids"))

        trigger = VersionViewTrigger(d.pop("trigger"))

        version = d.pop("version")

        why = []
        _why = d.pop("why")
        for why_item_data in _why:

            def _parse_why_item(data: object) -> QuizReason | RemovalReason:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    why_item_type_0 = QuizReason.from_dict(data)

                    return why_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                why_item_type_1 = RemovalReason.from_dict(data)

                return why_item_type_1

            why_item = _parse_why_item(why_item_data)

            why.append(why_item)

        version_view = cls(
            changes=changes,
            created_at=created_at,
            exercise_ids=exercise_ids,
            phase=phase,
            removed_ids=removed_ids,
            trigger=trigger,
            version=version,
            why=why,
        )

        version_view.additional_properties = d
        return version_view

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
