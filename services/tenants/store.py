"""Tables of the tenants service: tenants and their API keys (hashes only)."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table

from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime

metadata = MetaData()
# The tenants service is the source of truth for keys: its tenant_keys table is the master,
# the other services hold replicas fed by tenant-key events.
platform = platform_tables(metadata, "tenants")

tenants = Table(
    "tenants_tenants",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
