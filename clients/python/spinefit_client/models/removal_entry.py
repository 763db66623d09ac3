from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.removal_entry_rule import RemovalEntryRule
from ..models.removal_entry_severity import RemovalEntrySeverity

T = TypeVar("T", bound="RemovalEntry")


@_attrs_define
class RemovalEntry:
    """
    Attributes:
        at (datetime.datetime): Event time: `decided_at`
        decided_at (datetime.datetime):
        exercise_id (str):
        kind (Literal['removal']):
        rule (RemovalEntryRule):
        severity (RemovalEntrySeverity):
    """

    at: datetime.datetime
    decided_at: datetime.datetime
    exercise_id: str
    kind: Literal["removal"]
    rule: RemovalEntryRule
    severity: RemovalEntrySeverity
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        decided_at = self.decided_at.isoformat()

        exercise_id = self.exercise_id

        kind = self.kind

        rule = self.rule.value

        severity = self.severity.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "decided_at": decided_at,
                "exercise_id": exercise_id,
                "kind": kind,
                "rule": rule,
                "severity": severity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        decided_at = datetime.datetime.fromisoformat(d.pop("decided_at"))

        exercise_id = d.pop("exercise_id")

        kind = cast(Literal["removal"], d.pop("kind"))
        if kind != "removal":
            raise ValueError(f"kind must match const 'removal', got '{kind}'")

        rule = RemovalEntryRule(d.pop("rule"))

        severity = RemovalEntrySeverity(d.pop("severity"))

        removal_entry = cls(
            at=at,
            decided_at=decided_at,
            exercise_id=exercise_id,
            kind=kind,
            rule=rule,
            severity=severity,
        )

        removal_entry.additional_properties = d
        return removal_entry

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
