from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.quiz_links import QuizLinks


T = TypeVar("T", bound="UserReferredData")


@_attrs_define
class UserReferredData:
    """Which quiz response; its referral level (how urgent) and its reasons (which red
    flags) are health data and stay behind the API.

        Attributes:
            event_id (UUID):
            links (QuizLinks):
            occurred_at (datetime.datetime):
            response_id (UUID):
            user_id (str): The tenant's id for its user
    """

    event_id: UUID
    links: QuizLinks
    occurred_at: datetime.datetime
    response_id: UUID
    user_id: str

    def to_dict(self) -> dict[str, Any]:
        event_id = str(self.event_id)

        links = self.links.to_dict()

        occurred_at = self.occurred_at.isoformat()

        response_id = str(self.response_id)

        user_id = self.user_id

        field_dict: dict[str, Any] = {}

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
        from ..models.quiz_links import QuizLinks  # noqa: PLC0415

        d = dict(src_dict)
        event_id = UUID(d.pop("event_id"))

        links = QuizLinks.from_dict(d.pop("links"))

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

        return user_referred_data
