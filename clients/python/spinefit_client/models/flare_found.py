from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FlareFound")


@_attrs_define
class FlareFound:
    """The flare detector's verdict on a pain log: a flare above the user's baseline.

    Attributes:
        baseline (float):
        flare_id (UUID):
        spread_further (bool):
    """

    baseline: float
    flare_id: UUID
    spread_further: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        baseline = self.baseline

        flare_id = str(self.flare_id)

        spread_further = self.spread_further

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "baseline": baseline,
                "flare_id": flare_id,
                "spread_further": spread_further,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        baseline = d.pop("baseline")

        flare_id = UUID(d.pop("flare_id"))

        spread_further = d.pop("spread_further")

        flare_found = cls(
            baseline=baseline,
            flare_id=flare_id,
            spread_further=spread_further,
        )

        flare_found.additional_properties = d
        return flare_found

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
