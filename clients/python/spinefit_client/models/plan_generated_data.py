from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.plan_generated_data_trigger import PlanGeneratedDataTrigger

if TYPE_CHECKING:
    from ..models.plan_links import PlanLinks


T = TypeVar("T", bound="PlanGeneratedData")


@_attrs_define
class PlanGeneratedData:
    """
    Attributes:
        event_id (UUID):
        links (PlanLinks):
        occurred_at (datetime.datetime):
        plan_id (UUID):
        trigger (PlanGeneratedDataTrigger):
        user_id (str): The tenant's id for its user
        version (int):
    """

    event_id: UUID
    links: PlanLinks
    occurred_at: datetime.datetime
    plan_id: UUID
    trigger: PlanGeneratedDataTrigger
    user_id: str
    version: int

    def to_dict(self) -> dict[str, Any]:
        event_id = str(self.event_id)

        links = self.links.to_dict()

        occurred_at = self.occurred_at.isoformat()

        plan_id = str(self.plan_id)

        trigger = self.trigger.value

        user_id = self.user_id

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "event_id": event_id,
                "links": links,
                "occurred_at": occurred_at,
                "plan_id": plan_id,
                "trigger": trigger,
                "user_id": user_id,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_links import PlanLinks  # noqa: PLC0415

        d = dict(src_dict)
        event_id = UUID(d.pop("event_id"))

        links = PlanLinks.from_dict(d.pop("links"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        plan_id = UUID(d.pop("plan_id"))

        trigger = PlanGeneratedDataTrigger(d.pop("trigger"))

        user_id = d.pop("user_id")

        version = d.pop("version")

        plan_generated_data = cls(
            event_id=event_id,
            links=links,
            occurred_at=occurred_at,
            plan_id=plan_id,
            trigger=trigger,
            user_id=user_id,
            version=version,
        )

        return plan_generated_data
