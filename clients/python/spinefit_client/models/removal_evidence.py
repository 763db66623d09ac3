from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RemovalEvidence")


@_attrs_define
class RemovalEvidence:
    """Why an exercise was removed: enough for a clinician to check the decision.

    Counts are sessions (exposures) in the lookback whose lag windows had closed; a flare
    "after" a session is a new flare in one of its windows. For the delayed rule, `statistic`
    is the test that fired, `value` its p-value, `threshold` the level it had to reach, and
    `margin` the least difference of flare rates with and without the exercise; sessions
    with an exercise in `set_aside_with` (blamed before) were left out. For rule one,
    `report_ids` are the reports that fired it.

        Attributes:
            exposures (int):
            flares_after (int):
            flares_without (int):
            sessions_without (int):
            checkpoint (datetime.datetime | None | Unset):
            confounded_after (int | Unset):  Default: 0.
            lookback_days (float | None | Unset):
            margin (float | None | Unset):
            min_flares (int | None | Unset):
            min_sessions_without (int | None | Unset):
            min_share (float | None | Unset):
            note (None | str | Unset):
            posterior_share (float | None | Unset):
            rate_with (float | None | Unset):
            rate_without (float | None | Unset):
            report_ids (list[str] | Unset):
            rest_flares (int | Unset):  Default: 0.
            rest_mornings (int | Unset):  Default: 0.
            set_aside_with (list[str] | Unset):
            statistic (None | str | Unset):
            threshold (float | None | Unset):
            value (float | None | Unset):
            windows (list[str] | Unset):
    """

    exposures: int
    flares_after: int
    flares_without: int
    sessions_without: int
    checkpoint: datetime.datetime | None | Unset = UNSET
    confounded_after: int | Unset = 0
    lookback_days: float | None | Unset = UNSET
    margin: float | None | Unset = UNSET
    min_flares: int | None | Unset = UNSET
    min_sessions_without: int | None | Unset = UNSET
    min_share: float | None | Unset = UNSET
    note: None | str | Unset = UNSET
    posterior_share: float | None | Unset = UNSET
    rate_with: float | None | Unset = UNSET
    rate_without: float | None | Unset = UNSET
    report_ids: list[str] | Unset = UNSET
    rest_flares: int | Unset = 0
    rest_mornings: int | Unset = 0
    set_aside_with: list[str] | Unset = UNSET
    statistic: None | str | Unset = UNSET
    threshold: float | None | Unset = UNSET
    value: float | None | Unset = UNSET
    windows: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        exposures = self.exposures

        flares_after = self.flares_after

        flares_without = self.flares_without

        sessions_without = self.sessions_without

        checkpoint: None | str | Unset
        if isinstance(self.checkpoint, Unset):
            checkpoint = UNSET
        elif isinstance(self.checkpoint, datetime.datetime):
            checkpoint = self.checkpoint.isoformat()
        else:
            checkpoint = self.checkpoint

        confounded_after = self.confounded_after

        lookback_days: float | None | Unset
        if isinstance(self.lookback_days, Unset):
            lookback_days = UNSET
        else:
            lookback_days = self.lookback_days

        margin: float | None | Unset
        if isinstance(self.margin, Unset):
            margin = UNSET
        else:
            margin = self.margin

        min_flares: int | None | Unset
        if isinstance(self.min_flares, Unset):
            min_flares = UNSET
        else:
            min_flares = self.min_flares

        min_sessions_without: int | None | Unset
        if isinstance(self.min_sessions_without, Unset):
            min_sessions_without = UNSET
        else:
            min_sessions_without = self.min_sessions_without

        min_share: float | None | Unset
        if isinstance(self.min_share, Unset):
            min_share = UNSET
        else:
            min_share = self.min_share

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        posterior_share: float | None | Unset
        if isinstance(self.posterior_share, Unset):
            posterior_share = UNSET
        else:
            posterior_share = self.posterior_share

        rate_with: float | None | Unset
        if isinstance(self.rate_with, Unset):
            rate_with = UNSET
        else:
            rate_with = self.rate_with

        rate_without: float | None | Unset
        if isinstance(self.rate_without, Unset):
            rate_without = UNSET
        else:
            rate_without = self.rate_without

        report_ids: list[str] | Unset = UNSET
        if not isinstance(self.report_ids, Unset):
            report_ids = self.report_ids

        rest_flares = self.rest_flares

        rest_mornings = self.rest_mornings

        set_aside_with: list[str] | Unset = UNSET
        if not isinstance(self.set_aside_with, Unset):
            set_aside_with = self.set_aside_with

        statistic: None | str | Unset
        if isinstance(self.statistic, Unset):
            statistic = UNSET
        else:
            statistic = self.statistic

        threshold: float | None | Unset
        if isinstance(self.threshold, Unset):
            threshold = UNSET
        else:
            threshold = self.threshold

        value: float | None | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value

        windows: list[str] | Unset = UNSET
        if not isinstance(self.windows, Unset):
            windows = self.windows

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "exposures": exposures,
                "flares_after": flares_after,
                "flares_without": flares_without,
                "sessions_without": sessions_without,
            }
        )
        if checkpoint is not UNSET:
            field_dict["checkpoint"] = checkpoint
        if confounded_after is not UNSET:
            field_dict["confounded_after"] = confounded_after
        if lookback_days is not UNSET:
            field_dict["lookback_days"] = lookback_days
        if margin is not UNSET:
            field_dict["margin"] = margin
        if min_flares is not UNSET:
            field_dict["min_flares"] = min_flares
        if min_sessions_without is not UNSET:
            field_dict["min_sessions_without"] = min_sessions_without
        if min_share is not UNSET:
            field_dict["min_share"] = min_share
        if note is not UNSET:
            field_dict["note"] = note
        if posterior_share is not UNSET:
            field_dict["posterior_share"] = posterior_share
        if rate_with is not UNSET:
            field_dict["rate_with"] = rate_with
        if rate_without is not UNSET:
            field_dict["rate_without"] = rate_without
        if report_ids is not UNSET:
            field_dict["report_ids"] = report_ids
        if rest_flares is not UNSET:
            field_dict["rest_flares"] = rest_flares
        if rest_mornings is not UNSET:
            field_dict["rest_mornings"] = rest_mornings
        if set_aside_with is not UNSET:
            field_dict["set_aside_with"] = set_aside_with
        if statistic is not UNSET:
            field_dict["statistic"] = statistic
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if value is not UNSET:
            field_dict["value"] = value
        if windows is not UNSET:
            field_dict["windows"] = windows

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        exposures = d.pop("exposures")

        flares_after = d.pop("flares_after")

        flares_without = d.pop("flares_without")

        sessions_without = d.pop("sessions_without")

        def _parse_checkpoint(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                checkpoint_type_0 = datetime.datetime.fromisoformat(data)

                return checkpoint_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        checkpoint = _parse_checkpoint(d.pop("checkpoint", UNSET))

        confounded_after = d.pop("confounded_after", UNSET)

        def _parse_lookback_days(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        lookback_days = _parse_lookback_days(d.pop("lookback_days", UNSET))

        def _parse_margin(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        margin = _parse_margin(d.pop("margin", UNSET))

        def _parse_min_flares(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_flares = _parse_min_flares(d.pop("min_flares", UNSET))

        def _parse_min_sessions_without(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_sessions_without = _parse_min_sessions_without(d.pop("min_sessions_without", UNSET))

        def _parse_min_share(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        min_share = _parse_min_share(d.pop("min_share", UNSET))

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_posterior_share(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        posterior_share = _parse_posterior_share(d.pop("posterior_share", UNSET))

        def _parse_rate_with(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        rate_with = _parse_rate_with(d.pop("rate_with", UNSET))

        def _parse_rate_without(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        rate_without = _parse_rate_without(d.pop("rate_without", UNSET))

        report_ids = cast(list[str], d.pop("report_ids", UNSET))

        rest_flares = d.pop("rest_flares", UNSET)

        rest_mornings = d.pop("rest_mornings", UNSET)

        set_aside_with = cast(list[str], d.pop("set_aside_with", UNSET))

        def _parse_statistic(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        statistic = _parse_statistic(d.pop("statistic", UNSET))

        def _parse_threshold(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        threshold = _parse_threshold(d.pop("threshold", UNSET))

        def _parse_value(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        value = _parse_value(d.pop("value", UNSET))

        windows = cast(list[str], d.pop("windows", UNSET))

        removal_evidence = cls(
            exposures=exposures,
            flares_after=flares_after,
            flares_without=flares_without,
            sessions_without=sessions_without,
            checkpoint=checkpoint,
            confounded_after=confounded_after,
            lookback_days=lookback_days,
            margin=margin,
            min_flares=min_flares,
            min_sessions_without=min_sessions_without,
            min_share=min_share,
            note=note,
            posterior_share=posterior_share,
            rate_with=rate_with,
            rate_without=rate_without,
            report_ids=report_ids,
            rest_flares=rest_flares,
            rest_mornings=rest_mornings,
            set_aside_with=set_aside_with,
            statistic=statistic,
            threshold=threshold,
            value=value,
            windows=windows,
        )

        return removal_evidence
