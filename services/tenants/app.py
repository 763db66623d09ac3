"""Composition root of the tenants service (operator API; source of tenant key events)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.tenants import store
from services.tenants.api import router
from services.tenants.settings import TenantsSettings
from shared.http.app import assemble_service


def build_app(settings: TenantsSettings | None = None) -> FastAPI:
    return assemble_service(
        settings or TenantsSettings(),
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        replicate_tenant_keys=False,  # this service is where keys come from
        title="SpineFit tenants",
        description=(
            "Operator API: tenants and their API keys. Keys are shown once and stored hashed;"
            " every service learns them from tenant-key events."
        ),
    )


app = build_app()
