from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SessionBeforeView")


@_attrs_define
class SessionBeforeView:
    """A session in whose lag window the flare fell.

    Attributes:
        exercises (list[str]):
        hours_after (float):
        session_id (str):
        window (str): The window's label (`during`, `next_morning`, ...)
    """

    exercises: list[str]
    hours_after: float
    session_id: str
    window: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        exercises = self.exercises

        hours_after = self.hours_after

        session_id = self.session_id

        window = self.window

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "exercises": exercises,
                "hours_after": hours_after,
                "session_id": session_id,
                "window": window,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        exercises = cast(list[str], d.pop("exercises"))

        hours_after = d.pop("hours_after")

        session_id = d.pop("session_id")

        window = d.pop("window")

        session_before_view = cls(
            exercises=exercises,
            hours_after=hours_after,
            session_id=session_id,
            window=window,
        )

        session_before_view.additional_properties = d
        return session_before_view

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
