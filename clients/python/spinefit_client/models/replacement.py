from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.replacement_how import ReplacementHow

T = TypeVar("T", bound="Replacement")


@_attrs_define
class Replacement:
    """
    Attributes:
        exercise_id (str):
        how (ReplacementHow):
        replaced_by (str):
    """

    exercise_id: str
    how: ReplacementHow
    replaced_by: str

    def to_dict(self) -> dict[str, Any]:
        exercise_id = self.exercise_id

        how = self.how.value

        replaced_by = self.replaced_by

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "exercise_id": exercise_id,
                "how": how,
                "replaced_by": replaced_by,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        exercise_id = d.pop("exercise_id")

        how = ReplacementHow(d.pop("how"))

        replaced_by = d.pop("replaced_by")

        replacement = cls(
            exercise_id=exercise_id,
            how=how,
            replaced_by=replaced_by,
        )

        return replacement
