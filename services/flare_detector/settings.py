from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from services.flare_detector.domain.rules import Rules
from shared.settings import ServiceSettings


class FlareDetectorSettings(ServiceSettings):
    """Thresholds of the detector (DOMAIN.md section 4), each `SPINEFIT_FLARE_<NAME>`."""

    SERVICE: ClassVar[str] = "flare_detector"

    # A batch holds up to 500 users' histories at once, hundreds of objects each. With
    # Python's thresholds every 70,000 allocations start a full collection (after
    # `gc.freeze()` nothing counts as long-lived, so none is skipped), each scanning every
    # history of the batch: a heavy user's event cost 1.7-1.9 ms against 1.2-1.3 ms with
    # these, a light user's 0.9 against 0.8 (make bench cost_history, 2026-12-04).
    gc_thresholds: tuple[int, int, int] | None = (50_000, 50, 100)

    flare_lookback_days: float = Field(default=Rules.lookback_days, ge=7, le=120)
    flare_allowed_lateness_h: float = Field(default=Rules.allowed_lateness_h, ge=0, le=24 * 14)
    flare_baseline_days: float = Field(default=Rules.baseline_days, ge=1, le=60)
    flare_rise: float = Field(default=Rules.flare_rise, gt=0, le=10)
    flare_min_level: int = Field(default=Rules.flare_min_level, ge=1, le=10)
    flare_episode_gap_h: float = Field(default=Rules.episode_gap_h, ge=0, le=24 * 14)
    flare_confounder_hours_sat: float = Field(default=Rules.confounder_hours_sat, ge=0, le=24)
    flare_confounder_stress: int = Field(default=Rules.confounder_stress, ge=0, le=10)
    flare_min_sessions_without: int = Field(default=Rules.min_sessions_without, ge=1)
    flare_suspect_min_flares: int = Field(default=Rules.suspect_min_flares, ge=2)
    flare_suspect_margin: float = Field(default=Rules.suspect_margin, ge=0, le=1)
    flare_suspect_alpha: float = Field(default=Rules.suspect_alpha, gt=0, le=0.5)
    flare_confirm_min_flares: int = Field(default=Rules.confirm_min_flares, ge=3)
    flare_confirm_margin: float = Field(default=Rules.confirm_margin, ge=0, le=1)
    flare_confirm_alpha: float = Field(default=Rules.confirm_alpha, gt=0, le=0.5)
    flare_rest_mornings_as_control: bool = Rules.rest_mornings_as_control
    flare_suspect_min_share: float = Field(default=Rules.suspect_min_share, ge=0, le=1)
    flare_confirm_min_share: float = Field(default=Rules.confirm_min_share, ge=0, le=1)
    flare_max_clock_skew_h: float = Field(default=Rules.max_clock_skew_h, ge=0, le=48)

    def rules(self) -> Rules:
        return Rules(
            lookback_days=self.flare_lookback_days,
            allowed_lateness_h=self.flare_allowed_lateness_h,
            baseline_days=self.flare_baseline_days,
            flare_rise=self.flare_rise,
            flare_min_level=self.flare_min_level,
            episode_gap_h=self.flare_episode_gap_h,
            confounder_hours_sat=self.flare_confounder_hours_sat,
            confounder_stress=self.flare_confounder_stress,
            min_sessions_without=self.flare_min_sessions_without,
            suspect_min_flares=self.flare_suspect_min_flares,
            suspect_margin=self.flare_suspect_margin,
            suspect_alpha=self.flare_suspect_alpha,
            confirm_min_flares=self.flare_confirm_min_flares,
            confirm_margin=self.flare_confirm_margin,
            confirm_alpha=self.flare_confirm_alpha,
            rest_mornings_as_control=self.flare_rest_mornings_as_control,
            suspect_min_share=self.flare_suspect_min_share,
            confirm_min_share=self.flare_confirm_min_share,
            max_clock_skew_h=self.flare_max_clock_skew_h,
        )
