from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.removal_view_rule import RemovalViewRule
from ..models.removal_view_severity import RemovalViewSeverity

if TYPE_CHECKING:
    from ..models.removal_evidence import RemovalEvidence


T = TypeVar("T", bound="RemovalView")


@_attrs_define
class RemovalView:
    """
    Attributes:
        decided_at (datetime.datetime):
        evidence (RemovalEvidence): Why an exercise was removed: enough for a clinician to check the decision.

            Counts are sessions (exposures) in the lookback whose lag windows had closed; a flare
            "after" a session is a new flare in one of its windows. For the delayed rule, `statistic`
            is the test that fired, `value` its p-value, `threshold` the level it had to reach, and
            `margin` the least difference of flare rates with and without the exercise; sessions
            with an exercise in `set_aside_with` (blamed before) were left out. For rule one,
            `report_ids` are the reports that fired it.
        exercise_id (str):
        rule (RemovalViewRule):
        severity (RemovalViewSeverity):
    """

    decided_at: datetime.datetime
    evidence: RemovalEvidence
    exercise_id: str
    rule: RemovalViewRule
    severity: RemovalViewSeverity
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        decided_at = self.decided_at.isoformat()

        evidence = self.evidence.to_dict()

        exercise_id = self.exercise_id

        rule = self.rule.value

        severity = self.severity.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "decided_at": decided_at,
                "evidence": evidence,
                "exercise_id": exercise_id,
                "rule": rule,
                "severity": severity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.removal_evidence import RemovalEvidence  # noqa: PLC0415

        d = dict(src_dict)
        decided_at = datetime.datetime.fromisoformat(d.pop("decided_at"))

        evidence = RemovalEvidence.from_dict(d.pop("evidence"))

        exercise_id = d.pop("exercise_id")

        rule = RemovalViewRule(d.pop("rule"))

        severity = RemovalViewSeverity(d.pop("severity"))

        removal_view = cls(
            decided_at=decided_at,
            evidence=evidence,
            exercise_id=exercise_id,
            rule=rule,
            severity=severity,
        )

        removal_view.additional_properties = d
        return removal_view

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
