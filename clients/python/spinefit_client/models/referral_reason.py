from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.referral_reason_level import ReferralReasonLevel

T = TypeVar("T", bound="ReferralReason")


@_attrs_define
class ReferralReason:
    """
    Attributes:
        code (str):
        level (ReferralReasonLevel):
        message (str):
    """

    code: str
    level: ReferralReasonLevel
    message: str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        level = self.level.value

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "level": level,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        level = ReferralReasonLevel(d.pop("level"))

        message = d.pop("message")

        referral_reason = cls(
            code=code,
            level=level,
            message=message,
        )

        return referral_reason
