from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PainAccepted")


@_attrs_define
class PainAccepted:
    """
    Attributes:
        log_id (str):
        observed_at (datetime.datetime): In UTC
        received_at (datetime.datetime):
        status (Literal['accepted']):
    """

    log_id: str
    observed_at: datetime.datetime
    received_at: datetime.datetime
    status: Literal["accepted"]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        log_id = self.log_id

        observed_at = self.observed_at.isoformat()

        received_at = self.received_at.isoformat()

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "log_id": log_id,
                "observed_at": observed_at,
                "received_at": received_at,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        log_id = d.pop("log_id")

        observed_at = datetime.datetime.fromisoformat(d.pop("observed_at"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        status = cast(Literal["accepted"], d.pop("status"))
        if status != "accepted":
            raise ValueError(f"status must match const 'accepted', got '{status}'")

        pain_accepted = cls(
            log_id=log_id,
            observed_at=observed_at,
            received_at=received_at,
            status=status,
        )

        pain_accepted.additional_properties = d
        return pain_accepted

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
