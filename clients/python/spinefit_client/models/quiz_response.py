from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.quiz_response_level_type_0 import QuizResponseLevelType0
from ..models.quiz_response_status import QuizResponseStatus

if TYPE_CHECKING:
    from ..models.quiz_answers import QuizAnswers
    from ..models.referral_reason import ReferralReason


T = TypeVar("T", bound="QuizResponse")


@_attrs_define
class QuizResponse:
    """The user's latest quiz response, as submitted and screened.

    Attributes:
        answers (QuizAnswers): Everything the quiz asks. Sections are nested objects; every answer is required.
        level (None | QuizResponseLevelType0):
        questionnaire_version (str):
        reasons (list[ReferralReason]):
        response_id (UUID):
        status (QuizResponseStatus):
        submitted_at (datetime.datetime):
    """

    answers: QuizAnswers
    level: None | QuizResponseLevelType0
    questionnaire_version: str
    reasons: list[ReferralReason]
    response_id: UUID
    status: QuizResponseStatus
    submitted_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        answers = self.answers.to_dict()

        level: None | str
        if isinstance(self.level, QuizResponseLevelType0):
            level = self.level.value
        else:
            level = self.level

        questionnaire_version = self.questionnaire_version

        reasons = []
        for reasons_item_data in self.reasons:
            reasons_item = reasons_item_data.to_dict()
            reasons.append(reasons_item)

        response_id = str(self.response_id)

        status = self.status.value

        submitted_at = self.submitted_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "answers": answers,
                "level": level,
                "questionnaire_version": questionnaire_version,
                "reasons": reasons,
                "response_id": response_id,
                "status": status,
                "submitted_at": submitted_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quiz_answers import QuizAnswers  # noqa: PLC0415
        from ..models.referral_reason import ReferralReason  # noqa: PLC0415

        d = dict(src_dict)
        answers = QuizAnswers.from_dict(d.pop("answers"))

        def _parse_level(data: object) -> None | QuizResponseLevelType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                level_type_0 = QuizResponseLevelType0(data)

                return level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QuizResponseLevelType0, data)

        level = _parse_level(d.pop("level"))

        questionnaire_version = d.pop("questionnaire_version")

        reasons = []
        _reasons = d.pop("reasons")
        for reasons_item_data in _reasons:
            reasons_item = ReferralReason.from_dict(reasons_item_data)

            reasons.append(reasons_item)

        response_id = UUID(d.pop("response_id"))

        status = QuizResponseStatus(d.pop("status"))

        submitted_at = datetime.datetime.fromisoformat(d.pop("submitted_at"))

        quiz_response = cls(
            answers=answers,
            level=level,
            questionnaire_version=questionnaire_version,
            reasons=reasons,
            response_id=response_id,
            status=status,
            submitted_at=submitted_at,
        )

        quiz_response.additional_properties = d
        return quiz_response

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
