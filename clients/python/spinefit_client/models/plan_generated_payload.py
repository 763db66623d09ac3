from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.plan_generated_data import PlanGeneratedData


T = TypeVar("T", bound="PlanGeneratedPayload")


@_attrs_define
class PlanGeneratedPayload:
    """Sent when a user's plan gets a new version.

    Attributes:
        data (PlanGeneratedData):
        timestamp (datetime.datetime): When the event occurred
        type_ (Literal['plan-generated']):
    """

    data: PlanGeneratedData
    timestamp: datetime.datetime
    type_: Literal["plan-generated"]

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
        from ..models.plan_generated_data import PlanGeneratedData  # noqa: PLC0415

        d = dict(src_dict)
        data = PlanGeneratedData.from_dict(d.pop("data"))

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        type_ = cast(Literal["plan-generated"], d.pop("type"))
        if type_ != "plan-generated":
            raise ValueError(f"type must match const 'plan-generated', got '{type_}'")

        plan_generated_payload = cls(
            data=data,
            timestamp=timestamp,
            type_=type_,
        )

        return plan_generated_payload
