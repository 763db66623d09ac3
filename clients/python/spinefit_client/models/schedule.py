from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Schedule")


@_attrs_define
class Schedule:
    """
    Attributes:
        minutes_per_session (int): Minutes per session.
        sessions_per_week (int): Exercise days per week.
    """

    minutes_per_session: int
    sessions_per_week: int

    def to_dict(self) -> dict[str, Any]:
        minutes_per_session = self.minutes_per_session

        sessions_per_week = self.sessions_per_week

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "minutes_per_session": minutes_per_session,
                "sessions_per_week": sessions_per_week,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        minutes_per_session = d.pop("minutes_per_session")

        sessions_per_week = d.pop("sessions_per_week")

        schedule = cls(
            minutes_per_session=minutes_per_session,
            sessions_per_week=sessions_per_week,
        )

        return schedule
