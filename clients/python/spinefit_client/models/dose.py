from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Dose")


@_attrs_define
class Dose:
    """How much: sets of reps, of a hold in seconds, or minutes of continuous work.

    Attributes:
        rest_s (int):
        sets (int):
        hold_s (int | None | Unset):
        minutes (int | None | Unset):
        per_side (bool | Unset):  Default: False.
        reps (int | None | Unset):
    """

    rest_s: int
    sets: int
    hold_s: int | None | Unset = UNSET
    minutes: int | None | Unset = UNSET
    per_side: bool | Unset = False
    reps: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        rest_s = self.rest_s

        sets = self.sets

        hold_s: int | None | Unset
        if isinstance(self.hold_s, Unset):
            hold_s = UNSET
        else:
            hold_s = self.hold_s

        minutes: int | None | Unset
        if isinstance(self.minutes, Unset):
            minutes = UNSET
        else:
            minutes = self.minutes

        per_side = self.per_side

        reps: int | None | Unset
        if isinstance(self.reps, Unset):
            reps = UNSET
        else:
            reps = self.reps

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "rest_s": rest_s,
                "sets": sets,
            }
        )
        if hold_s is not UNSET:
            field_dict["hold_s"] = hold_s
        if minutes is not UNSET:
            field_dict["minutes"] = minutes
        if per_side is not UNSET:
            field_dict["per_side"] = per_side
        if reps is not UNSET:
            field_dict["reps"] = reps

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rest_s = d.pop("rest_s")

        sets = d.pop("sets")

        def _parse_hold_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        hold_s = _parse_hold_s(d.pop("hold_s", UNSET))

        def _parse_minutes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        minutes = _parse_minutes(d.pop("minutes", UNSET))

        per_side = d.pop("per_side", UNSET)

        def _parse_reps(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        reps = _parse_reps(d.pop("reps", UNSET))

        dose = cls(
            rest_s=rest_s,
            sets=sets,
            hold_s=hold_s,
            minutes=minutes,
            per_side=per_side,
            reps=reps,
        )

        return dose
