from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.quiz_referred_level import QuizReferredLevel
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.referral_reason import ReferralReason


T = TypeVar("T", bound="QuizReferred")


@_attrs_define
class QuizReferred:
    """Red flags: see a clinician; no plan.

    Attributes:
        level (QuizReferredLevel):
        reasons (list[ReferralReason]):
        response_id (UUID):
        status (Literal['refer'] | Unset):  Default: 'refer'.
    """

    level: QuizReferredLevel
    reasons: list[ReferralReason]
    response_id: UUID
    status: Literal["refer"] | Unset = "refer"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        level = self.level.value

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        response_id = str(self.response_id)

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "level": level,
                "reasons": reasons,
                "response_id": response_id,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.referral_reason import ReferralReason  # noqa: PLC0415

        d = dict(src_dict)
        level = QuizReferredLevel(d.pop("level"))

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = ReferralReason.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        response_id = UUID(d.pop("response_id"))

        status = cast(Literal["refer"] | Unset, d.pop("status", UNSET))
        if status != "refer" and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'refer', got '{status}'")

        quiz_referred = cls(
            level=level,
            reasons=reasons,
            response_id=response_id,
            status=status,
        )

        quiz_referred.additional_properties = d
        return quiz_referred

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
