from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.webhook_test_data import WebhookTestData


T = TypeVar("T", bound="WebhookTestPayload")


@_attrs_define
class WebhookTestPayload:
    """Sent on request (`POST .../test`), to check a receiver.

    Attributes:
        data (WebhookTestData):
        timestamp (datetime.datetime): When the test was asked for
        type_ (Literal['webhook.test']):
    """

    data: WebhookTestData
    timestamp: datetime.datetime
    type_: Literal["webhook.test"]

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
        from ..models.webhook_test_data import WebhookTestData  # noqa: PLC0415

        d = dict(src_dict)
        data = WebhookTestData.from_dict(d.pop("data"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        type_ = cast(Literal["webhook.test"], d.pop("type"))
        if type_ != "webhook.test":
            raise ValueError(f"type must match const 'webhook.test', got '{type_}'")

        webhook_test_payload = cls(
            data=data,
            timestamp=timestamp,
            type_=type_,
        )

        return webhook_test_payload
