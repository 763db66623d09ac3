from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="QuizLinks")


@_attrs_define
class QuizLinks:
    """
    Attributes:
        quiz (str): Absolute URL of the resource, read with the API key
    """

    quiz: str

    def to_dict(self) -> dict[str, Any]:
        quiz = self.quiz

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "quiz": quiz,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        quiz = d.pop("quiz")

        quiz_links = cls(
            quiz=quiz,
        )

        return quiz_links
