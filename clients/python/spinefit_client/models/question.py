from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.question_level_type_0 import QuestionLevelType0
from ..models.question_type import QuestionType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.choice import Choice


T = TypeVar("T", bound="Question")


@_attrs_define
class Question:
    """
    Attributes:
        id (str):
        required (bool):
        text (str):
        type_ (QuestionType):
        choices (list[Choice] | None | Unset):
        level (None | QuestionLevelType0 | Unset):
        maximum (int | None | Unset):
        min_choices (int | None | Unset):
        minimum (int | None | Unset):
    """

    id: str
    required: bool
    text: str
    type_: QuestionType
    choices: list[Choice] | None | Unset = UNSET
    level: None | QuestionLevelType0 | Unset = UNSET
    maximum: int | None | Unset = UNSET
    min_choices: int | None | Unset = UNSET
    minimum: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        required = self.required

        text = self.text

        type_ = self.type_.value

        choices: list[dict[str, Any]] | None | Unset
        if isinstance(self.choices, Unset):
            choices = UNSET
        elif isinstance(self.choices, list):
            choices = []
            for choices_type_0_item_data in self.choices:
                choices_type_0_item = choices_type_0_item_data.to_dict()
                choices.append(choices_type_0_item)

        else:
            choices = self.choices

        level: None | str | Unset
        if isinstance(self.level, Unset):
            level = UNSET
        elif isinstance(self.level, QuestionLevelType0):
            level = self.level.value
        else:
            level = self.level

        maximum: int | None | Unset
        if isinstance(self.maximum, Unset):
            maximum = UNSET
        else:
            maximum = self.maximum

        min_choices: int | None | Unset
        if isinstance(self.min_choices, Unset):
            min_choices = UNSET
        else:
            min_choices = self.min_choices

        minimum: int | None | Unset
        if isinstance(self.minimum, Unset):
            minimum = UNSET
        else:
            minimum = self.minimum

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "required": required,
                "text": text,
                "type": type_,
            }
        )
        if choices is not UNSET:
            field_dict["choices"] = choices
        if level is not UNSET:
            field_dict["level"] = level
        if maximum is not UNSET:
            field_dict["maximum"] = maximum
        if min_choices is not UNSET:
            field_dict["min_choices"] = min_choices
        if minimum is not UNSET:
            field_dict["minimum"] = minimum

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.choice import Choice  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        required = d.pop("required")

        text = d.pop("text")

        type_ = QuestionType(d.pop("type"))

        def _parse_choices(data: object) -> list[Choice] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                choices_type_0 = []
                _choices_type_0 = data
                for choices_type_0_item_data in _choices_type_0:
                    choices_type_0_item = Choice.from_dict(choices_type_0_item_data)

                    choices_type_0.append(choices_type_0_item)

                return choices_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Choice] | None | Unset, data)

        choices = _parse_choices(d.pop("choices", UNSET))

        def _parse_level(data: object) -> None | QuestionLevelType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                level_type_0 = QuestionLevelType0(data)

                return level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | QuestionLevelType0 | Unset, data)

        level = _parse_level(d.pop("level", UNSET))

        def _parse_maximum(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        maximum = _parse_maximum(d.pop("maximum", UNSET))

        def _parse_min_choices(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_choices = _parse_min_choices(d.pop("min_choices", UNSET))

        def _parse_minimum(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        minimum = _parse_minimum(d.pop("minimum", UNSET))

        question = cls(
            id=id,
            required=required,
            text=text,
            type_=type_,
            choices=choices,
            level=level,
            maximum=maximum,
            min_choices=min_choices,
            minimum=minimum,
        )

        return question
