from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.removal_reason_rule import RemovalReasonRule
from ..models.removal_reason_severity import RemovalReasonSeverity
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.removal_evidence import RemovalEvidence


T = TypeVar("T", bound="RemovalReason")


@_attrs_define
class RemovalReason:
    """A version made by a removal: which exercises it took out, and the evidence.

    Attributes:
        decided_at (datetime.datetime):
        event_id (UUID):
        evidence (RemovalEvidence): Why an exercise was removed: enough for a clinician to check the decision.

            Counts are sessions (exposures) in the lookback whose lag windows had closed; a flare
            "after" a session is a new flare in one of its windows. For the delayed rule, `statistic`
            is the test that fired, `value` its p-value, `threshold` the level it had to reach, and
            `margin` the least difference of flare rates with and without the exercise; sessions
            with an exercise in `set_aside_with` (blamed before) were left out. For rule one,
            `report_ids` are the reports that fired it.
        exercise_id (str):
        message (str):
        removed (list[str]): The exercises this removal newly took out
        rule (RemovalReasonRule):
        severity (RemovalReasonSeverity):
        kind (Literal['removal'] | Unset):  Default: 'removal'.
    """

    decided_at: datetime.datetime
    event_id: UUID
    evidence: RemovalEvidence
    exercise_id: str
    message: str
    removed: list[str]
    rule: RemovalReasonRule
    severity: RemovalReasonSeverity
    kind: Literal["removal"] | Unset = "removal"

    def to_dict(self) -> dict[str, Any]:
        decided_at = self.decided_at.isoformat()

        event_id = str(self.event_id)

        evidence = self.evidence.to_dict()

        exercise_id = self.exercise_id

        message = self.message

        removed = self.removed

        rule = self.rule.value

        severity = self.severity.value

        kind = self.kind

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "decided_at": decided_at,
                "event_id": event_id,
                "evidence": evidence,
                "exercise_id": exercise_id,
                "message": message,
                "removed": removed,
                "rule": rule,
                "severity": severity,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.removal_evidence import RemovalEvidence  # noqa: PLC0415

        d = dict(src_dict)
        decided_at = datetime.datetime.fromisoformat(d.pop("decided_at"))

        event_id = UUID(d.pop("event_id"))

        evidence = RemovalEvidence.from_dict(d.pop("evidence"))

        exercise_id = d.pop("exercise_id")

        message = d.pop("message")

        removed = cast(list[str], d.pop("removed"))

        rule = RemovalReasonRule(d.pop("rule"))

        severity = RemovalReasonSeverity(d.pop("severity"))

        kind = cast(Literal["removal"] | Unset, d.pop("kind", UNSET))
        if kind != "removal" and not isinstance(kind, Unset):
            raise ValueError(f"kind must match const 'removal', got '{kind}'")

        removal_reason = cls(
            decided_at=decided_at,
            event_id=event_id,
            evidence=evidence,
            exercise_id=exercise_id,
            message=message,
            removed=removed,
            rule=rule,
            severity=severity,
            kind=kind,
        )

        return removal_reason
