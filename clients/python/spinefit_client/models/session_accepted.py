from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SessionAccepted")


@_attrs_define
class SessionAccepted:
    """
    Attributes:
        received_at (datetime.datetime):
        session_id (str):
        status (Literal['accepted']):
    """

    received_at: datetime.datetime
    session_id: str
    status: Literal["accepted"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        received_at = self.received_at.isoformat()

        session_id = self.session_id

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "received_at": received_at,
                "session_id": session_id,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        session_id = d.pop("session_id")

        status = cast(Literal["accepted"], d.pop("status"))
        if status != "accepted":
            raise ValueError(f"status must match const 'accepted', got '{status}'")

        session_accepted = cls(
            received_at=received_at,
            session_id=session_id,
            status=status,
        )

        session_accepted.additional_properties = d
        return session_accepted

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
