from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewKey")


@_attrs_define
class NewKey:
    """A key just issued. `key` is shown in this answer only: a replay of the request (same
    Idempotency-Key) answers `key: null` and a `note`.

        Attributes:
            issued_at (datetime.datetime):
            key (None | str):
            key_id (str):
            note (None | str | Unset):
            propagated (bool | None | Unset): Whether every running service accepts the key already (waited 5 s at most)
    """

    issued_at: datetime.datetime
    key: None | str
    key_id: str
    note: None | str | Unset = UNSET
    propagated: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        issued_at = self.issued_at.isoformat()

        key: None | str
        key = self.key

        key_id = self.key_id

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        propagated: bool | None | Unset
        if isinstance(self.propagated, Unset):
            propagated = UNSET
        else:
            propagated = self.propagated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "issued_at": issued_at,
                "key": key,
                "key_id": key_id,
            }
        )
        if note is not UNSET:
            field_dict["note"] = note
        if propagated is not UNSET:
            field_dict["propagated"] = propagated

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        def _parse_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        key = _parse_key(d.pop("key"))

        key_id = d.pop("key_id")

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_propagated(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        propagated = _parse_propagated(d.pop("propagated", UNSET))

        new_key = cls(
            issued_at=issued_at,
            key=key,
            key_id=key_id,
            note=note,
            propagated=propagated,
        )

        new_key.additional_properties = d
        return new_key

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
