from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.removed_view_rule import RemovedViewRule
from ..models.removed_view_severity import RemovedViewSeverity

if TYPE_CHECKING:
    from ..models.removal_evidence import RemovalEvidence


T = TypeVar("T", bound="RemovedView")


@_attrs_define
class RemovedView:
    """An exercise removed for this person, the removal it comes from and its evidence.

    Attributes:
        because_of (str): The exercise the removal named: itself or an easier one
        decided_at (datetime.datetime | None):
        evidence (None | RemovalEvidence):
        id (str):
        reason (str):
        rule (RemovedViewRule):
        severity (RemovedViewSeverity):
    """

    because_of: str
    decided_at: datetime.datetime | None
    evidence: None | RemovalEvidence
    id: str
    reason: str
    rule: RemovedViewRule
    severity: RemovedViewSeverity
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.removal_evidence import RemovalEvidence  # noqa: PLC0415

        because_of = self.because_of

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        evidence: dict[str, Any] | None
        if isinstance(self.evidence, RemovalEvidence):
            evidence = self.evidence.to_dict()
        else:
            evidence = self.evidence

        id = self.id

        reason = self.reason

        rule = self.rule.value

        severity = self.severity.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "because_of": because_of,
                "decided_at": decided_at,
                "evidence": evidence,
                "id": id,
                "reason": reason,
                "rule": rule,
                "severity": severity,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.removal_evidence import RemovalEvidence  # noqa: PLC0415

        d = dict(src_dict)
        because_of = d.pop("because_of")

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        def _parse_evidence(data: object) -> None | RemovalEvidence:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                evidence_type_0 = RemovalEvidence.from_dict(data)

                return evidence_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RemovalEvidence, data)

        evidence = _parse_evidence(d.pop("evidence"))

        id = d.pop("id")

        reason = d.pop("reason")

        rule = RemovedViewRule(d.pop("rule"))

        severity = RemovedViewSeverity(d.pop("severity"))

        removed_view = cls(
            because_of=because_of,
            decided_at=decided_at,
            evidence=evidence,
            id=id,
            reason=reason,
            rule=rule,
            severity=severity,
        )

        removed_view.additional_properties = d
        return removed_view

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
