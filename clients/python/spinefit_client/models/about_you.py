from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="AboutYou")


@_attrs_define
class AboutYou:
    """
    Attributes:
        age (int): Age in whole years; adults only.
    """

    age: int

    def to_dict(self) -> dict[str, Any]:
        age = self.age

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "age": age,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        age = d.pop("age")

        about_you = cls(
            age=age,
        )

        return about_you
