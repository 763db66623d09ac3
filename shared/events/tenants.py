"""Tenant key events: how every service learns which API keys are valid.

The `tenants` service issues keys; every other service keeps its own replica of the key
hashes (never the keys) by consuming these streams, so no service reads another's tables.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from shared.events import streams
from shared.events.base import Event


class TenantKeyIssued(Event):
    TYPE: ClassVar[str] = streams.TENANT_KEY_ISSUED
    event_type: Literal["tenant-key-issued"] = "tenant-key-issued"
    schema_version: Literal[1] = 1
    tenant_name: str = Field(min_length=1, max_length=200)
    key_id: str = Field(min_length=8, max_length=64)
    key_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the whole key")
    issued_at: AwareDatetime


class TenantKeyRevoked(Event):
    TYPE: ClassVar[str] = streams.TENANT_KEY_REVOKED
    event_type: Literal["tenant-key-revoked"] = "tenant-key-revoked"
    schema_version: Literal[1] = 1
    key_id: str = Field(min_length=8, max_length=64)
    key_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    revoked_at: AwareDatetime
