from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.flare_detected_data import FlareDetectedData


T = TypeVar("T", bound="FlareDetectedPayload")


@_attrs_define
class FlareDetectedPayload:
    """Sent when a pain log is a flare.

    Attributes:
        data (FlareDetectedData): Which flare and when; never the pain level or the baseline.
        timestamp (datetime.datetime): When the event occurred
        type_ (Literal['flare-detected']):
    """

    data: FlareDetectedData
    timestamp: datetime.datetime
    type_: Literal["flare-detected"]

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
        from ..models.flare_detected_data import FlareDetectedData  # noqa: PLC0415

        d = dict(src_dict)
        data = FlareDetectedData.from_dict(d.pop("data"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        type_ = cast(Literal["flare-detected"], d.pop("type"))
        if type_ != "flare-detected":
            raise ValueError(f"type must match const 'flare-detected', got '{type_}'")

        flare_detected_payload = cls(
            data=data,
            timestamp=timestamp,
            type_=type_,
        )

        return flare_detected_payload
