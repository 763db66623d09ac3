from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.chart_links import ChartLinks
    from ..models.pain_entry import PainEntry
    from ..models.removal_entry import RemovalEntry
    from ..models.session_entry import SessionEntry


T = TypeVar("T", bound="TimelinePage")


@_attrs_define
class TimelinePage:
    """One page of a user's timeline: sessions, pain logs and removals in event time (at one
    instant: sessions, then pain, then removals), within the window `from`-`to`.

        Attributes:
            chart (ChartLinks):
            from_ (datetime.datetime):
            items (list[PainEntry | RemovalEntry | SessionEntry]):
            next_cursor (None | str): Pass as `cursor` to get the next page; null on the last page
            to (datetime.datetime):
            user_id (str):
    """

    chart: ChartLinks
    from_: datetime.datetime
    items: list[PainEntry | RemovalEntry | SessionEntry]
    next_cursor: None | str
    to: datetime.datetime
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.pain_entry import PainEntry  # noqa: PLC0415
        from ..models.session_entry import SessionEntry  # noqa: PLC0415

        chart = self.chart.to_dict()

        from_ = self.from_.isoformat()

        items = []
        for items_item_data in self.items:
            items_item: dict[str, Any]
            if isinstance(items_item_data, PainEntry):
                items_item = items_item_data.to_dict()
            elif isinstance(items_item_data, SessionEntry):
                items_item = items_item_data.to_dict()
            else:
                items_item = items_item_data.to_dict()

            items.append(items_item)

        next_cursor: None | str
        next_cursor = self.next_cursor

        to = self.to.isoformat()

        user_id = self.user_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "chart": chart,
                "from": from_,
                "items": items,
                "next_cursor": next_cursor,
                "to": to,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chart_links import ChartLinks  # noqa: PLC0415
        from ..models.pain_entry import PainEntry  # noqa: PLC0415
        from ..models.removal_entry import RemovalEntry  # noqa: PLC0415
        from ..models.session_entry import SessionEntry  # noqa: PLC0415

        d = dict(src_dict)
        chart = ChartLinks.from_dict(d.pop("chart"))

        from_ = datetime.datetime.fromisoformat(d.pop("from"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:

            def _parse_items_item(data: object) -> PainEntry | RemovalEntry | SessionEntry:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_0 = PainEntry.from_dict(data)

                    return items_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    items_item_type_1 = SessionEntry.from_dict(data)

                    return items_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                items_item_type_2 = RemovalEntry.from_dict(data)

                return items_item_type_2

            items_item = _parse_items_item(items_item_data)

            items.append(items_item)

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))

        to = datetime.datetime.fromisoformat(d.pop("to"))

        user_id = d.pop("user_id")

        timeline_page = cls(
            chart=chart,
            from_=from_,
            items=items,
            next_cursor=next_cursor,
            to=to,
            user_id=user_id,
        )

        timeline_page.additional_properties = d
        return timeline_page

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
