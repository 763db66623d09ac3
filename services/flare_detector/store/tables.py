"""Tables of the flare_detector service: each user's history (a summary row, locked while a
replica applies an event to it, and a row per older day: domain/tiers.py), the removals
emitted (once each) and the flares notified (once each). Every query filters on tenant_id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Dialect, Float, Integer, MetaData, String, Table, Uuid
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeDecorator

from services.flare_detector.domain.evidence import DecisionEvidence
from services.flare_detector.domain.history_json import dump_evidence, load_evidence
from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime
from shared.db.unnest import keys_in


class EvidenceJSON(TypeDecorator[DecisionEvidence]):
    """A removal's evidence: stored as its JSON values (history_json.dump_evidence, the
    same names as the event's), read back as the domain's typed `DecisionEvidence`."""

    impl = JSON
    cache_ok = True

    def process_bind_param(
        self, value: DecisionEvidence | None, dialect: Dialect
    ) -> dict[str, Any] | None:
        return None if value is None else dump_evidence(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> DecisionEvidence | None:
        return None if value is None else load_evidence(value)


metadata = MetaData()
platform = platform_tables(metadata, "flare_detector")

histories = Table(
    "flare_detector_histories",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("history", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# The days of a history kept out of its row (domain/tiers.py): one row per day and kind,
# written once when the watermark leaves the day behind, deleted when the retention drops it.
history_parts = Table(
    "flare_detector_history_parts",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD (UTC): sorts as the days do
    Column("kind", String(1), primary_key=True),
    Column("part", JSON, nullable=False),  # its records, classes and units
    Column("units", JSON, nullable=False),  # its units alone (parts_json.part_units)
)

removals = Table(
    "flare_detector_removals",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("exercise_id", String(80), primary_key=True),
    Column("rule", String(16), primary_key=True),
    Column("severity", String(16), primary_key=True),
    Column("event_id", Uuid, nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("evidence", EvidenceJSON, nullable=False),
    Column("emitted_at", UTCDateTime, nullable=False),
)

flares = Table(
    "flare_detector_flares",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("log_id", String(128), primary_key=True),
    Column("flare_id", Uuid, nullable=False),
    Column("observed_at", UTCDateTime, nullable=False),
    Column("level", Integer, nullable=False),
    Column("baseline", Float, nullable=False),
    Column("spread_further", Boolean, nullable=False),
    Column("emitted_at", UTCDateTime, nullable=False),
)


UserKey = tuple[str, str]  # (tenant_id, user_id)
PartRef = tuple[str, str, str, str]  # (tenant_id, user_id, day, kind)


def users_in(session: AsyncSession, table: Table, keys: Sequence[UserKey]) -> Any:
    """Rows of these users only: every query names the tenant with the user."""
    return keys_in(session, [table.c.tenant_id, table.c.user_id], keys)
