from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MorningContext")


@_attrs_define
class MorningContext:
    """What else happened the day before: it may explain a flare instead of an exercise.

    Attributes:
        heavy_lifting (bool | None | Unset):
        hours_sat (float | None | Unset):
        sleep_hours (float | None | Unset):
        stress (int | None | Unset):
    """

    heavy_lifting: bool | None | Unset = UNSET
    hours_sat: float | None | Unset = UNSET
    sleep_hours: float | None | Unset = UNSET
    stress: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        heavy_lifting: bool | None | Unset
        if isinstance(self.heavy_lifting, Unset):
            heavy_lifting = UNSET
        else:
            heavy_lifting = self.heavy_lifting

        hours_sat: float | None | Unset
        if isinstance(self.hours_sat, Unset):
            hours_sat = UNSET
        else:
            hours_sat = self.hours_sat

        sleep_hours: float | None | Unset
        if isinstance(self.sleep_hours, Unset):
            sleep_hours = UNSET
        else:
            sleep_hours = self.sleep_hours

        stress: int | None | Unset
        if isinstance(self.stress, Unset):
            stress = UNSET
        else:
            stress = self.stress

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if heavy_lifting is not UNSET:
            field_dict["heavy_lifting"] = heavy_lifting
        if hours_sat is not UNSET:
            field_dict["hours_sat"] = hours_sat
        if sleep_hours is not UNSET:
            field_dict["sleep_hours"] = sleep_hours
        if stress is not UNSET:
            field_dict["stress"] = stress

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_heavy_lifting(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        heavy_lifting = _parse_heavy_lifting(d.pop("heavy_lifting", UNSET))

        def _parse_hours_sat(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        hours_sat = _parse_hours_sat(d.pop("hours_sat", UNSET))

        def _parse_sleep_hours(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        sleep_hours = _parse_sleep_hours(d.pop("sleep_hours", UNSET))

        def _parse_stress(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        stress = _parse_stress(d.pop("stress", UNSET))

        morning_context = cls(
            heavy_lifting=heavy_lifting,
            hours_sat=hours_sat,
            sleep_hours=sleep_hours,
            stress=stress,
        )

        return morning_context
