from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.user_referred_data_links import UserReferredDataLinks


T = TypeVar("T", bound="UserReferredData")


@_attrs_define
class UserReferredData:
    """
    Attributes:
        event_id (UUID):
        links (UserReferredDataLinks): Where to fetch the details, with the tenant's API key
        occurred_at (datetime.datetime):
        response_id (UUID):
        user_id (str):
    """

    event_id: UUID
    links: UserReferredDataLinks
    occurred_at: datetime.datetime
    response_id: UUID
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = str(self.event_id)

        links = self.links.to_dict()

        occurred_at = self.occurred_at.isoformat()

        response_id = str(self.response_id)

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "links": links,
                "occurred_at": occurred_at,
                "response_id": response_id,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_referred_data_links import UserReferredDataLinks  # noqa: PLC0415

        d = dict(src_dict)
        event_id = UUID(d.pop("event_id"))

        links = UserReferredDataLinks.from_dict(d.pop("links"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        response_id = UUID(d.pop("response_id"))

        user_id = d.pop("user_id")

        user_referred_data = cls(
            event_id=event_id,
            links=links,
            occurred_at=occurred_at,
            response_id=response_id,
            user_id=user_id,
        )

        user_referred_data.additional_properties = d
        return user_referred_data

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
