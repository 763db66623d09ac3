from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="QuizReason")


@_attrs_define
class QuizReason:
    """A version made by new quiz answers.

    Attributes:
        message (str):
        phase_reasons (list[str]):
        response_id (UUID):
        kind (Literal['quiz'] | Unset):  Default: 'quiz'.
    """

    message: str
    phase_reasons: list[str]
    response_id: UUID
    kind: Literal["quiz"] | Unset = "quiz"

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        phase_reasons = self.phase_reasons

        response_id = str(self.response_id)

        kind = self.kind

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "message": message,
                "phase_reasons": phase_reasons,
                "response_id": response_id,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = d.pop("message")

        phase_reasons = cast(list[str], d.pop("phase_reasons"))

        response_id = UUID(d.pop("response_id"))

        kind = cast(Literal["quiz"] | Unset, d.pop("kind", UNSET))
        if kind != "quiz" and not isinstance(kind, Unset):
            raise ValueError(f"kind must match const 'quiz', got '{kind}'")

        quiz_reason = cls(
            message=message,
            phase_reasons=phase_reasons,
            response_id=response_id,
            kind=kind,
        )

        return quiz_reason
