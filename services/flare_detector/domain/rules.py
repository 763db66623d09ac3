"""The detector's tunable thresholds, as one frozen value (no I/O: the service builds it
from its settings). Every threshold that fires is copied into the evidence it produces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

# DOMAIN.md section 4: burning, shooting or radiating pain during a movement stops it at once.
RULE_ONE_QUALITIES = frozenset({"burning", "shooting", "radiating"})
# From the back down to the foot; "further down the leg" compares indexes in this order.
LOCATIONS = ("lower_back", "buttock", "thigh", "knee", "calf", "foot")


@dataclass(frozen=True)
class Window:
    """A fixed lag window after a session, chosen in advance (DOMAIN.md section 4)."""

    name: str
    start_h: float
    end_h: float

    @property
    def label(self) -> str:
        return f"{self.name} {self.start_h:g}-{self.end_h:g}h"


@dataclass(frozen=True)
class Rules:
    # The lagged window: sessions (exposures) of the last `lookback_days` are the evidence.
    lookback_days: float = 42
    windows: tuple[Window, ...] = (Window("evening", 6, 12), Window("next_morning", 12, 36))
    # How late (in event time, behind the user's latest event) a report may arrive and still
    # be taken into account before the decisions it could change are made.
    allowed_lateness_h: float = 48
    # A record stamped more than this ahead of the moment it is handled (a wrong clock)
    # does not move the watermark: its time counts as the handling time for it.
    max_clock_skew_h: float = 1
    # Baseline: median of recent non-flare mornings, else the quiz's pain, else this.
    baseline_days: float = 14
    baseline_min_mornings: int = 3
    default_baseline: float = 1.0
    # Flare: at least `flare_rise` above baseline and at least `flare_min_level`.
    flare_rise: float = 2
    flare_min_level: int = 3
    # A flare within this many hours of the previous one, with no calmer report between,
    # belongs to the same episode: not new evidence.
    episode_gap_h: float = 48
    # Morning context that may explain a flare instead of an exercise.
    confounder_hours_sat: float = 8
    confounder_stress: int = 8
    # Delayed attribution: suspected, then confirmed (one-sided Fisher exact test).
    min_sessions_without: int = 1
    # Also compare with the user's rest mornings (no session in the windows before them).
    rest_mornings_as_control: bool = True
    suspect_min_flares: int = 2
    suspect_margin: float = 0.3
    suspect_alpha: float = 0.05
    confirm_min_flares: int = 3
    confirm_margin: float = 0.4
    confirm_alpha: float = 0.02
    # And the exercise must carry most of the posterior (exercise_evidence.posterior_share).
    suspect_min_share: float = 0.5
    confirm_min_share: float = 0.5
    # Bounds on what is kept per user. Per day of event time (UTC), the first records by
    # (time, id) are kept: a function of the set of records, so the bound does not make
    # decisions depend on arrival order. With the retention (about 60 days) they bound the
    # history; the totals below only bind on records stamped far ahead (the oldest go).
    max_sessions_per_day: int = 8
    max_observations_per_day: int = 80
    max_sessions: int = 500
    max_observations: int = 5000

    # Cached: read per session by every scan (the instance is frozen, so they cannot go stale).
    @cached_property
    def window_bounds(self) -> tuple[tuple[Window, timedelta, timedelta], ...]:
        """Each window with its start and end as durations (compared per observation)."""
        return tuple(
            (w, timedelta(hours=w.start_h), timedelta(hours=w.end_h)) for w in self.windows
        )

    @cached_property
    def first_window_start(self) -> timedelta:
        return timedelta(hours=min(w.start_h for w in self.windows))

    @cached_property
    def window_end(self) -> timedelta:
        return timedelta(hours=max(w.end_h for w in self.windows))

    @cached_property
    def lateness(self) -> timedelta:
        return timedelta(hours=self.allowed_lateness_h)

    @cached_property
    def retention(self) -> timedelta:
        """How far behind the watermark anything can still matter: the lookback, the lag
        windows, the baseline period of the oldest observation in them, an episode."""
        return (
            timedelta(days=self.lookback_days + self.baseline_days)
            + self.window_end
            + timedelta(hours=self.episode_gap_h)
        )
