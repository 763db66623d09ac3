from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UnseparableView")


@_attrs_define
class UnseparableView:
    """
    Attributes:
        exercise_id (str):
        reason (str):
        with_ (list[str]): The blamed exercises it was always done with
    """

    exercise_id: str
    reason: str
    with_: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        exercise_id = self.exercise_id

        reason = self.reason

        with_ = self.with_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "exercise_id": exercise_id,
                "reason": reason,
                "with": with_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        exercise_id = d.pop("exercise_id")

        reason = d.pop("reason")

        with_ = cast(list[str], d.pop("with"))

        unseparable_view = cls(
            exercise_id=exercise_id,
            reason=reason,
            with_=with_,
        )

        unseparable_view.additional_properties = d
        return unseparable_view

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
