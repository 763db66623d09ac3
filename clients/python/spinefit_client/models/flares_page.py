from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.flare_view import FlareView
    from ..models.removal_view import RemovalView
    from ..models.unseparable_view import UnseparableView


T = TypeVar("T", bound="FlaresPage")


@_attrs_define
class FlaresPage:
    """One page of a user's flares in event time (by `observed_at`, then `log_id`), with what
    the whole history says beside them (on every page): the watermark (reports earlier than
    it are judged), the removals with their evidence and the exercises that cannot be
    separated.

        Attributes:
            cannot_be_separated (list[UnseparableView]):
            items (list[FlareView]):
            next_cursor (None | str): Pass as `cursor` to get the next page; null on the last page
            removals (list[RemovalView]):
            user_id (str):
            watermark (datetime.datetime | None):
    """

    cannot_be_separated: list[UnseparableView]
    items: list[FlareView]
    next_cursor: None | str
    removals: list[RemovalView]
    user_id: str
    watermark: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cannot_be_separated = []
        for cannot_be_separated_item_data in self.cannot_be_separated:
            cannot_be_separated_item = cannot_be_separated_item_data.to_dict()
            cannot_be_separated.append(cannot_be_separated_item)

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        removals = []
        for removals_item_data in self.removals:
            removals_item = removals_item_data.to_dict()
            removals.append(removals_item)

        user_id = self.user_id

        watermark: None | str
        if isinstance(self.watermark, datetime.datetime):
            watermark = self.watermark.isoformat()
        else:
            watermark = self.watermark

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cannot_be_separated": cannot_be_separated,
                "items": items,
                "next_cursor": next_cursor,
                "removals": removals,
                "user_id": user_id,
                "watermark": watermark,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flare_view import FlareView  # noqa: PLC0415
        from ..models.removal_view import RemovalView  # noqa: PLC0415
        from ..models.unseparable_view import UnseparableView  # noqa: PLC0415

        d = dict(src_dict)
        cannot_be_separated = []
        _cannot_be_separated = d.pop("cannot_be_separated")
        for cannot_be_separated_item_data in _cannot_be_separated:
            cannot_be_separated_item = UnseparableView.from_dict(cannot_be_separated_item_data)

            cannot_be_separated.append(cannot_be_separated_item)

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = FlareView.from_dict(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        removals = []
        _removals = d.pop("removals")
        for removals_item_data in _removals:
            removals_item = RemovalView.from_dict(removals_item_data)

            removals.append(removals_item)

        user_id = d.pop("user_id")

        def _parse_watermark(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                watermark_type_0 = datetime.datetime.fromisoformat(data)

                return watermark_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        watermark = _parse_watermark(d.pop("watermark"))

        flares_page = cls(
            cannot_be_separated=cannot_be_separated,
            items=items,
            next_cursor=next_cursor,
            removals=removals,
            user_id=user_id,
            watermark=watermark,
        )

        flares_page.additional_properties = d
        return flares_page

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
