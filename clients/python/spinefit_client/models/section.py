from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.question import Question


T = TypeVar("T", bound="Section")


@_attrs_define
class Section:
    """
    Attributes:
        id (str):
        questions (list[Question]):
        title (str):
    """

    id: str
    questions: list[Question]
    title: str

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        questions = []
        for questions_item_data in self.questions:
            questions_item = questions_item_data.to_dict()
            questions.append(questions_item)

        title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "questions": questions,
                "title": title,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.question import Question  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        questions = []
        _questions = d.pop("questions")
        for questions_item_data in _questions:
            questions_item = Question.from_dict(questions_item_data)

            questions.append(questions_item)

        title = d.pop("title")

        section = cls(
            id=id,
            questions=questions,
            title=title,
        )

        return section
