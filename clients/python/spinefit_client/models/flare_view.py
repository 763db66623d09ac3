from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.session_before_view import SessionBeforeView


T = TypeVar("T", bound="FlareView")


@_attrs_define
class FlareView:
    """
    Attributes:
        after_sessions (list[SessionBeforeView]):
        attributed_to (list[str]):
        baseline (float):
        confounders (list[str]):
        context (str):
        explanation (str):
        level (int):
        log_id (str):
        new (bool): False for a flare continuing an episode already going on
        observed_at (datetime.datetime):
        spread_further (bool):
    """

    after_sessions: list[SessionBeforeView]
    attributed_to: list[str]
    baseline: float
    confounders: list[str]
    context: str
    explanation: str
    level: int
    log_id: str
    new: bool
    observed_at: datetime.datetime
    spread_further: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        after_sessions = []
        for after_sessions_item_data in self.after_sessions:
            after_sessions_item = after_sessions_item_data.to_dict()
            after_sessions.append(after_sessions_item)

        attributed_to = self.attributed_to

        baseline = self.baseline

        confounders = self.confounders

        context = self.context

        explanation = self.explanation

        level = self.level

        log_id = self.log_id

        new = self.new

        observed_at = self.observed_at.isoformat()

        spread_further = self.spread_further

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "after_sessions": after_sessions,
                "attributed_to": attributed_to,
                "baseline": baseline,
                "confounders": confounders,
                "context": context,
                "explanation": explanation,
                "level": level,
                "log_id": log_id,
                "new": new,
                "observed_at": observed_at,
                "spread_further": spread_further,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.session_before_view import SessionBeforeView  # noqa: PLC0415

        d = dict(src_dict)
        after_sessions = []
        _after_sessions = d.pop("after_sessions")
        for after_sessions_item_data in _after_sessions:
            after_sessions_item = SessionBeforeView.from_dict(after_sessions_item_data)

            after_sessions.append(after_sessions_item)

        attributed_to = cast(list[str], d.pop("attributed_to"))

        baseline = d.pop("baseline")

        confounders = cast(list[str], d.pop("confounders"))

        context = d.pop("context")

        explanation = d.pop("explanation")

        level = d.pop("level")

        log_id = d.pop("log_id")

        new = d.pop("new")

        observed_at = datetime.datetime.fromisoformat(d.pop("observed_at"))

        spread_further = d.pop("spread_further")

        flare_view = cls(
            after_sessions=after_sessions,
            attributed_to=attributed_to,
            baseline=baseline,
            confounders=confounders,
            context=context,
            explanation=explanation,
            level=level,
            log_id=log_id,
            new=new,
            observed_at=observed_at,
            spread_further=spread_further,
        )

        flare_view.additional_properties = d
        return flare_view

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
