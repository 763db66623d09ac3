from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.section import Section


T = TypeVar("T", bound="Questionnaire")


@_attrs_define
class Questionnaire:
    """
    Attributes:
        sections (list[Section]):
        version (str):
    """

    sections: list[Section]
    version: str

    def to_dict(self) -> dict[str, Any]:
        sections = []
        for sections_item_data in self.sections:
            sections_item = sections_item_data.to_dict()
            sections.append(sections_item)

        version = self.version

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sections": sections,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.section import Section  # noqa: PLC0415

        d = dict(src_dict)
        sections = []
        _sections = d.pop("sections")
        for sections_item_data in _sections:
            sections_item = Section.from_dict(sections_item_data)

            sections.append(sections_item)

        version = d.pop("version")

        questionnaire = cls(
            sections=sections,
            version=version,
        )

        return questionnaire
