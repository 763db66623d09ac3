from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.glute_test_feels_glutes_in_bridge import GluteTestFeelsGlutesInBridge

T = TypeVar("T", bound="GluteTest")


@_attrs_define
class GluteTest:
    """The article's practical test: can you feel your glutes in a bodyweight bridge.

    Attributes:
        feels_glutes_in_bridge (GluteTestFeelsGlutesInBridge): Whether the glutes are felt working in a bodyweight
            bridge (DOMAIN.md section 3, glute gate).
    """

    feels_glutes_in_bridge: GluteTestFeelsGlutesInBridge

    def to_dict(self) -> dict[str, Any]:
        feels_glutes_in_bridge = self.feels_glutes_in_bridge.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "feels_glutes_in_bridge": feels_glutes_in_bridge,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        feels_glutes_in_bridge = GluteTestFeelsGlutesInBridge(d.pop("feels_glutes_in_bridge"))

        glute_test = cls(
            feels_glutes_in_bridge=feels_glutes_in_bridge,
        )

        return glute_test
