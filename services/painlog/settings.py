from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.settings import ServiceSettings


class PainlogSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "painlog"

    # A report later than now by more than this is refused (422): clocks of phones drift.
    future_allowance_s: int = Field(default=300, ge=0, le=3600)
    # GET /pain without `from`/`to` shows this many days up to now.
    timeline_default_days: int = Field(default=28, ge=1, le=366)
    # The longest window one request may ask for (a chart of it is drawn on the request).
    timeline_max_days: int = Field(default=400, ge=1, le=3660)
    # Most entries (logs plus sessions) one timeline answer or chart holds.
    timeline_max_entries: int = Field(default=2000, ge=10, le=20_000)
