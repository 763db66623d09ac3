from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.pain_report_context import PainReportContext
from ..models.pain_report_locations_item import PainReportLocationsItem
from ..models.pain_report_qualities_item import PainReportQualitiesItem
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.morning_context import MorningContext


T = TypeVar("T", bound="PainReport")


@_attrs_define
class PainReport:
    """A pain observation as the client reports it; `observed_at` is when it was felt.

    Attributes:
        context (PainReportContext):
        level (int):
        log_id (str):
        observed_at (datetime.datetime):
        exercise_id (None | str | Unset):
        locations (list[PainReportLocationsItem] | Unset):
        morning (MorningContext | None | Unset):
        qualities (list[PainReportQualitiesItem] | Unset):
        session_id (None | str | Unset):
    """

    context: PainReportContext
    level: int
    log_id: str
    observed_at: datetime.datetime
    exercise_id: None | str | Unset = UNSET
    locations: list[PainReportLocationsItem] | Unset = UNSET
    morning: MorningContext | None | Unset = UNSET
    qualities: list[PainReportQualitiesItem] | Unset = UNSET
    session_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.morning_context import MorningContext  # noqa: PLC0415

        context = self.context.value

        level = self.level

        log_id = self.log_id

        observed_at = self.observed_at.isoformat()

        exercise_id: None | str | Unset
        if isinstance(self.exercise_id, Unset):
            exercise_id = UNSET
        else:
            exercise_id = self.exercise_id

        locations: list[str] | Unset = UNSET
        if not isinstance(self.locations, Unset):
            locations = []
            for locations_item_data in self.locations:
                locations_item = locations_item_data.value
                locations.append(locations_item)

        morning: dict[str, Any] | None | Unset
        if isinstance(self.morning, Unset):
            morning = UNSET
        elif isinstance(self.morning, MorningContext):
            morning = self.morning.to_dict()
        else:
            morning = self.morning

        qualities: list[str] | Unset = UNSET
        if not isinstance(self.qualities, Unset):
            qualities = []
            for qualities_item_data in self.qualities:
                qualities_item = qualities_item_data.value
                qualities.append(qualities_item)

        session_id: None | str | Unset
        if isinstance(self.session_id, Unset):
            session_id = UNSET
        else:
            session_id = self.session_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "context": context,
                "level": level,
                "log_id": log_id,
                "observed_at": observed_at,
            }
        )
        if exercise_id is not UNSET:
            field_dict["exercise_id"] = exercise_id
        if locations is not UNSET:
            field_dict["locations"] = locations
        if morning is not UNSET:
            field_dict["morning"] = morning
        if qualities is not UNSET:
            field_dict["qualities"] = qualities
        if session_id is not UNSET:
            field_dict["session_id"] = session_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.morning_context import MorningContext  # noqa: PLC0415

        d = dict(src_dict)
        context = PainReportContext(d.pop("context"))

        level = d.pop("level")

        log_id = d.pop("log_id")

        observed_at = datetime.datetime.fromisoformat(d.pop("observed_at"))

        def _parse_exercise_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        exercise_id = _parse_exercise_id(d.pop("exercise_id", UNSET))

        _locations = d.pop("locations", UNSET)
        locations: list[PainReportLocationsItem] | Unset = UNSET
        if _locations is not UNSET:
            locations = []
            for locations_item_data in _locations:
                locations_item = PainReportLocationsItem(locations_item_data)

                locations.append(locations_item)

        def _parse_morning(data: object) -> MorningContext | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                morning_type_0 = MorningContext.from_dict(data)

                return morning_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MorningContext | None | Unset, data)

        morning = _parse_morning(d.pop("morning", UNSET))

        _qualities = d.pop("qualities", UNSET)
        qualities: list[PainReportQualitiesItem] | Unset = UNSET
        if _qualities is not UNSET:
            qualities = []
            for qualities_item_data in _qualities:
                qualities_item = PainReportQualitiesItem(qualities_item_data)

                qualities.append(qualities_item)

        def _parse_session_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        session_id = _parse_session_id(d.pop("session_id", UNSET))

        pain_report = cls(
            context=context,
            level=level,
            log_id=log_id,
            observed_at=observed_at,
            exercise_id=exercise_id,
            locations=locations,
            morning=morning,
            qualities=qualities,
            session_id=session_id,
        )

        return pain_report
