"""What the painlog store holds, as frozen typed records: what a row becomes
(`shared.db.rows`) and what a write takes. Nothing past the store sees a row."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

# JSON columns hold the report's own lists, as the client sent them (validated on the way in).
JsonList = list[Any]


@dataclass(frozen=True, slots=True)
class StoredSession:
    tenant_id: str
    user_id: str
    session_id: str
    started_at: datetime
    completed_at: datetime
    exercises: JsonList
    fingerprint: str
    received_at: datetime

    @property
    def kind(self) -> Literal["session"]:
        return "session"

    @property
    def at(self) -> datetime:
        return self.completed_at

    @property
    def id(self) -> str:
        return self.session_id


@dataclass(frozen=True, slots=True)
class StoredPainLog:
    tenant_id: str
    user_id: str
    log_id: str
    observed_at: datetime
    level: int
    context: str
    exercise_id: str | None
    session_id: str | None
    qualities: JsonList
    locations: JsonList
    morning: dict[str, Any] | None
    fingerprint: str
    received_at: datetime

    @property
    def kind(self) -> Literal["pain"]:
        return "pain"

    @property
    def at(self) -> datetime:
        return self.observed_at

    @property
    def id(self) -> str:
        return self.log_id


@dataclass(frozen=True, slots=True)
class StoredFlare:
    """A flare the detector found (its `flare-detected`), kept for the timeline."""

    tenant_id: str
    user_id: str
    flare_id: uuid.UUID
    log_id: str
    observed_at: datetime
    level: int
    baseline: float
    spread_further: bool


@dataclass(frozen=True, slots=True)
class StoredRemoval:
    """An exercise the detector removed (its `exercise-removed`), kept for the timeline."""

    tenant_id: str
    user_id: str
    exercise_id: str
    decided_at: datetime
    rule: str
    severity: str

    @property
    def kind(self) -> Literal["removal"]:
        return "removal"

    @property
    def at(self) -> datetime:
        return self.decided_at

    @property
    def id(self) -> str:
        return self.exercise_id


Stored = StoredSession | StoredPainLog | StoredRemoval
