from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SafetyProfile")


@_attrs_define
class SafetyProfile:
    """Who checked the tags and phases of this exercise. Unreviewed: never prescribed.

    Attributes:
        reviewed (bool):
        notes (None | str | Unset):
        reviewed_by (None | str | Unset):
        reviewed_on (datetime.date | None | Unset):
    """

    reviewed: bool
    notes: None | str | Unset = UNSET
    reviewed_by: None | str | Unset = UNSET
    reviewed_on: datetime.date | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        reviewed = self.reviewed

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        reviewed_by: None | str | Unset
        if isinstance(self.reviewed_by, Unset):
            reviewed_by = UNSET
        else:
            reviewed_by = self.reviewed_by

        reviewed_on: None | str | Unset
        if isinstance(self.reviewed_on, Unset):
            reviewed_on = UNSET
        elif isinstance(self.reviewed_on, datetime.date):
            reviewed_on = self.reviewed_on.isoformat()
        else:
            reviewed_on = self.reviewed_on

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reviewed": reviewed,
            }
        )
        if notes is not UNSET:
            field_dict["notes"] = notes
        if reviewed_by is not UNSET:
            field_dict["reviewed_by"] = reviewed_by
        if reviewed_on is not UNSET:
            field_dict["reviewed_on"] = reviewed_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reviewed = d.pop("reviewed")

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_reviewed_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reviewed_by = _parse_reviewed_by(d.pop("reviewed_by", UNSET))

        def _parse_reviewed_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reviewed_on_type_0 = datetime.date.fromisoformat(data)

                return reviewed_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        reviewed_on = _parse_reviewed_on(d.pop("reviewed_on", UNSET))

        safety_profile = cls(
            reviewed=reviewed,
            notes=notes,
            reviewed_by=reviewed_by,
            reviewed_on=reviewed_on,
        )

        return safety_profile
