from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="PlanAndFlaresLinks")


@_attrs_define
class PlanAndFlaresLinks:
    """
    Attributes:
        flares (str): Absolute URL of the resource, read with the API key
        plan (str): Absolute URL of the resource, read with the API key
    """

    flares: str
    plan: str

    def to_dict(self) -> dict[str, Any]:
        flares = self.flares

        plan = self.plan

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "flares": flares,
                "plan": plan,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        flares = d.pop("flares")

        plan = d.pop("plan")

        plan_and_flares_links = cls(
            flares=flares,
            plan=plan,
        )

        return plan_and_flares_links
