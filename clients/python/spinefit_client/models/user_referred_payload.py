from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.user_referred_data import UserReferredData


T = TypeVar("T", bound="UserReferredPayload")


@_attrs_define
class UserReferredPayload:
    """Sent when a quiz refers a user to a clinician.

    Attributes:
        data (UserReferredData): Which quiz response; its referral level (how urgent) and its reasons (which red
            flags) are health data and stay behind the API.
        timestamp (datetime.datetime): When the event occurred
        type_ (Literal['user-referred']):
    """

    data: UserReferredData
    timestamp: datetime.datetime
    type_: Literal["user-referred"]

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

        timestamp = self.timestamp.isoformat()

        type_ = self.type_

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "timestamp": timestamp,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_referred_data import UserReferredData  # noqa: PLC0415

        d = dict(src_dict)
        data = UserReferredData.from_dict(d.pop("data"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        type_ = cast(Literal["user-referred"], d.pop("type"))
        if type_ != "user-referred":
            raise ValueError(f"type must match const 'user-referred', got '{type_}'")

        user_referred_payload = cls(
            data=data,
            timestamp=timestamp,
            type_=type_,
        )

        return user_referred_payload
