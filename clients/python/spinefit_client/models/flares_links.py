from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="FlaresLinks")


@_attrs_define
class FlaresLinks:
    """
    Attributes:
        flares (str): Absolute URL of the resource, read with the API key
    """

    flares: str

    def to_dict(self) -> dict[str, Any]:
        flares = self.flares

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "flares": flares,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        flares = d.pop("flares")

        flares_links = cls(
            flares=flares,
        )

        return flares_links
