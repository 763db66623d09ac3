from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.flares_links import FlaresLinks


T = TypeVar("T", bound="FlareDetectedData")


@_attrs_define
class FlareDetectedData:
    """Which flare and when; never the pain level or the baseline.

    Attributes:
        event_id (UUID):
        flare_id (UUID):
        links (FlaresLinks):
        observed_at (datetime.datetime):
        occurred_at (datetime.datetime):
        user_id (str): The tenant's id for its user
    """

    event_id: UUID
    flare_id: UUID
    links: FlaresLinks
    observed_at: datetime.datetime
    occurred_at: datetime.datetime
    user_id: str

    def to_dict(self) -> dict[str, Any]:
        event_id = str(self.event_id)

        flare_id = str(self.flare_id)

        links = self.links.to_dict()

        observed_at = self.observed_at.isoformat()

        occurred_at = self.occurred_at.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}

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
        from ..models.flares_links import FlaresLinks  # noqa: PLC0415

        d = dict(src_dict)
        event_id = UUID(d.pop("event_id"))

        flare_id = UUID(d.pop("flare_id"))

        links = FlaresLinks.from_dict(d.pop("links"))

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

        return flare_detected_data
