"""Tables of the painlog service.

Its domain tables arrive with its own issue; for now it owns the platform tables
(outbox, idempotency records, its replica of tenant keys)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.db.platform_tables import platform_tables

metadata = MetaData()
platform = platform_tables(metadata, "painlog")
