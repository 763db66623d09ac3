from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.flare_detected_data_links import FlareDetectedDataLinks


T = TypeVar("T", bound="FlareDetectedData")


@_attrs_define
class FlareDetectedData:
    """
    Attributes:
        event_id (UUID):
        flare_id (UUID):
        links (FlareDetectedDataLinks): Where to fetch the details, with the tenant's API key
        observed_at (datetime.datetime):
        occurred_at (datetime.datetime):
        user_id (str):
    """

    event_id: UUID
    flare_id: UUID
    links: FlareDetectedDataLinks
    observed_at: datetime.datetime
    occurred_at: datetime.datetime
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = str(self.event_id)

        flare_id = str(self.flare_id)

        links = self.links.to_dict()

        observed_at = self.observed_at.isoformat()

        occurred_at = self.occurred_at.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "flare_id": flare_id,
                "links": links,
                "observed_at": observed_at,
                "occurred_at": occurred_at,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flare_detected_data_links import FlareDetectedDataLinks  # noqa: PLC0415

        d = dict(src_dict)
        event_id = UUID(d.pop("event_id"))

        flare_id = UUID(d.pop("flare_id"))

        links = FlareDetectedDataLinks.from_dict(d.pop("links"))

        observed_at = datetime.datetime.fromisoformat(d.pop("observed_at"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        user_id = d.pop("user_id")

        flare_detected_data = cls(
            event_id=event_id,
            flare_id=flare_id,
            links=links,
            observed_at=observed_at,
            occurred_at=occurred_at,
            user_id=user_id,
        )

        flare_detected_data.additional_properties = d
        return flare_detected_data

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
