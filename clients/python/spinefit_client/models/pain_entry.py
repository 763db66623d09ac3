from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.flare_found import FlareFound
    from ..models.morning_context import MorningContext


T = TypeVar("T", bound="PainEntry")


@_attrs_define
class PainEntry:
    """
    Attributes:
        at (datetime.datetime): Event time: `observed_at`
        context (str):
        exercise_id (None | str):
        flare (FlareFound | None): Set when the detector found this a flare
        kind (Literal['pain']):
        level (int):
        locations (list[str]):
        log_id (str):
        morning (MorningContext | None):
        observed_at (datetime.datetime):
        qualities (list[str]):
        received_at (datetime.datetime):
        session_id (None | str):
    """

    at: datetime.datetime
    context: str
    exercise_id: None | str
    flare: FlareFound | None
    kind: Literal["pain"]
    level: int
    locations: list[str]
    log_id: str
    morning: MorningContext | None
    observed_at: datetime.datetime
    qualities: list[str]
    received_at: datetime.datetime
    session_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.flare_found import FlareFound  # noqa: PLC0415
        from ..models.morning_context import MorningContext  # noqa: PLC0415

        at = self.at.isoformat()

        context = self.context

        exercise_id: None | str
        exercise_id = self.exercise_id

        flare: dict[str, Any] | None
        if isinstance(self.flare, FlareFound):
            flare = self.flare.to_dict()
        else:
            flare = self.flare

        kind = self.kind

        level = self.level

        locations = self.locations

        log_id = self.log_id

        morning: dict[str, Any] | None
        if isinstance(self.morning, MorningContext):
            morning = self.morning.to_dict()
        else:
            morning = self.morning

        observed_at = self.observed_at.isoformat()

        qualities = self.qualities

        received_at = self.received_at.isoformat()

        session_id: None | str
        session_id = self.session_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "context": context,
                "exercise_id": exercise_id,
                "flare": flare,
                "kind": kind,
                "level": level,
                "locations": locations,
                "log_id": log_id,
                "morning": morning,
                "observed_at": observed_at,
                "qualities": qualities,
                "received_at": received_at,
                "session_id": session_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flare_found import FlareFound  # noqa: PLC0415
        from ..models.morning_context import MorningContext  # noqa: PLC0415

        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        context = d.pop("context")

        def _parse_exercise_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        exercise_id = _parse_exercise_id(d.pop("exercise_id"))

        def _parse_flare(data: object) -> FlareFound | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                flare_type_0 = FlareFound.from_dict(data)

                return flare_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FlareFound | None, data)

        flare = _parse_flare(d.pop("flare"))

        kind = cast(Literal["pain"], d.pop("kind"))
        if kind != "pain":
            raise ValueError(f"kind must match const 'pain', got '{kind}'")

        level = d.pop("level")

        locations = cast(list[str], d.pop("locations"))

        log_id = d.pop("log_id")

        def _parse_morning(data: object) -> MorningContext | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                morning_type_0 = MorningContext.from_dict(data)

                return morning_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MorningContext | None, data)

        morning = _parse_morning(d.pop("morning"))

        observed_at = datetime.datetime.fromisoformat(d.pop("observed_at"))

        qualities = cast(list[str], d.pop("qualities"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        def _parse_session_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        session_id = _parse_session_id(d.pop("session_id"))

        pain_entry = cls(
            at=at,
            context=context,
            exercise_id=exercise_id,
            flare=flare,
            kind=kind,
            level=level,
            locations=locations,
            log_id=log_id,
            morning=morning,
            observed_at=observed_at,
            qualities=qualities,
            received_at=received_at,
            session_id=session_id,
        )

        pain_entry.additional_properties = d
        return pain_entry

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
