from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..models.exercise_removed_data_rule import ExerciseRemovedDataRule
from ..models.exercise_removed_data_severity import ExerciseRemovedDataSeverity

if TYPE_CHECKING:
    from ..models.plan_and_flares_links import PlanAndFlaresLinks


T = TypeVar("T", bound="ExerciseRemovedData")


@_attrs_define
class ExerciseRemovedData:
    """Which exercise and which rule; never the evidence.

    Attributes:
        decided_at (datetime.datetime):
        event_id (UUID):
        exercise_id (str):
        links (PlanAndFlaresLinks):
        occurred_at (datetime.datetime):
        rule (ExerciseRemovedDataRule):
        severity (ExerciseRemovedDataSeverity):
        user_id (str): The tenant's id for its user
    """

    decided_at: datetime.datetime
    event_id: UUID
    exercise_id: str
    links: PlanAndFlaresLinks
    occurred_at: datetime.datetime
    rule: ExerciseRemovedDataRule
    severity: ExerciseRemovedDataSeverity
    user_id: str

    def to_dict(self) -> dict[str, Any]:
        decided_at = self.decided_at.isoformat()

        event_id = str(self.event_id)

        exercise_id = self.exercise_id

        links = self.links.to_dict()

        occurred_at = self.occurred_at.isoformat()

        rule = self.rule.value

        severity = self.severity.value

        user_id = self.user_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "decided_at": decided_at,
                "event_id": event_id,
                "exercise_id": exercise_id,
                "links": links,
                "occurred_at": occurred_at,
                "rule": rule,
                "severity": severity,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.plan_and_flares_links import PlanAndFlaresLinks  # noqa: PLC0415

        d = dict(src_dict)
        decided_at = datetime.datetime.fromisoformat(d.pop("decided_at"))

        event_id = UUID(d.pop("event_id"))

        exercise_id = d.pop("exercise_id")

        links = PlanAndFlaresLinks.from_dict(d.pop("links"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        rule = ExerciseRemovedDataRule(d.pop("rule"))

        severity = ExerciseRemovedDataSeverity(d.pop("severity"))

        user_id = d.pop("user_id")

        exercise_removed_data = cls(
            decided_at=decided_at,
            event_id=event_id,
            exercise_id=exercise_id,
            links=links,
            occurred_at=occurred_at,
            rule=rule,
            severity=severity,
            user_id=user_id,
        )

        return exercise_removed_data
