"""The tenants service's answers: one response model per route."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.tenants.store import KeyRecord, TenantRecord


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Tenant(View):
    tenant_id: str
    name: str
    created_at: datetime


class TenantDetail(Tenant):
    """A tenant; its keys are listed, a page at a time, at `/admin/v1/tenants/{id}/keys`."""

    active_keys: int = Field(description="How many of its API keys are not revoked")


class Key(View):
    """An API key, by id: the key itself is shown once, when it is issued."""

    key_id: str
    issued_at: datetime
    revoked: bool


class NewKey(View):
    """A key just issued. `key` is shown in this answer only: a replay of the request (same
    Idempotency-Key) answers `key: null` and a `note`."""

    key_id: str
    key: str | None
    issued_at: datetime
    propagated: bool | None = Field(
        default=None,
        description="Whether every running service accepts the key already (waited 5 s at most)",
    )
    note: str | None = None

    def without_secret(self) -> NewKey:
        """The answer a replay gets: stored, it never holds the key."""
        return self.model_copy(
            update={
                "key": None,
                "note": "shown once, in the first answer; issue a new key if it was lost",
            }
        )


class CreatedTenant(Tenant):
    api_key: NewKey


class RevokedKey(View):
    key_id: str
    revoked: Literal[True] = True
    propagated: bool = Field(description="Whether every running service refuses the key already")


def tenant(row: TenantRecord) -> Tenant:
    return Tenant(tenant_id=row.tenant_id, name=row.name, created_at=row.created_at)


def key(row: KeyRecord) -> Key:
    return Key(key_id=row.key_id, issued_at=row.issued_at, revoked=row.revoked)
