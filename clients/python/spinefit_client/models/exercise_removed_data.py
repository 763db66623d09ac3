from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exercise_removed_data_rule import ExerciseRemovedDataRule
from ..models.exercise_removed_data_severity import ExerciseRemovedDataSeverity

if TYPE_CHECKING:
    from ..models.exercise_removed_data_links import ExerciseRemovedDataLinks


T = TypeVar("T", bound="ExerciseRemovedData")


@_attrs_define
class ExerciseRemovedData:
    """
    Attributes:
        decided_at (datetime.datetime):
        event_id (UUID):
        exercise_id (str):
        links (ExerciseRemovedDataLinks): Where to fetch the details, with the tenant's API key
        occurred_at (datetime.datetime):
        rule (ExerciseRemovedDataRule):
        severity (ExerciseRemovedDataSeverity):
        user_id (str):
    """

    decided_at: datetime.datetime
    event_id: UUID
    exercise_id: str
    links: ExerciseRemovedDataLinks
    occurred_at: datetime.datetime
    rule: ExerciseRemovedDataRule
    severity: ExerciseRemovedDataSeverity
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        decided_at = self.decided_at.isoformat()

        event_id = str(self.event_id)

        exercise_id = self.exercise_id

        links = self.links.to_dict()

        occurred_at = self.occurred_at.isoformat()

        rule = self.rule.value

        severity = self.severity.value

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "decided_at": decided_at,
                "event_id": event_id,
                "exercise_id": exercise_id,
                "links": links,
                "occurred_at": occurred_at,
                "rule": rule,
                "severity": severity,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.exercise_removed_data_links import ExerciseRemovedDataLinks  # noqa: PLC0415

        d = dict(src_dict)
        decided_at = datetime.datetime.fromisoformat(d.pop("decided_at"))

        event_id = UUID(d.pop("event_id"))

        exercise_id = d.pop("exercise_id")

        links = ExerciseRemovedDataLinks.from_dict(d.pop("links"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        rule = ExerciseRemovedDataRule(d.pop("rule"))

        severity = ExerciseRemovedDataSeverity(d.pop("severity"))

        user_id = d.pop("user_id")

        exercise_removed_data = cls(
            decided_at=decided_at,
            event_id=event_id,
            exercise_id=exercise_id,
            links=links,
            occurred_at=occurred_at,
            rule=rule,
            severity=severity,
            user_id=user_id,
        )

        exercise_removed_data.additional_properties = d
        return exercise_removed_data

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
