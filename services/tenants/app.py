"""Composition root of the tenants service (operator API; source of tenant key events)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.tenants import store
from services.tenants.api import router
from services.tenants.settings import TenantsSettings
from shared.db.database import Database
from shared.http.app import create_service_app
from shared.messaging.bus import EventBus

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: TenantsSettings | None = None) -> FastAPI:
    settings = settings or TenantsSettings()
    db = Database(
        settings.resolved_database_url,
        service=settings.SERVICE,
        metadata=store.metadata,
        tables=store.platform,
        migrations=MIGRATIONS,
    )
    bus = EventBus(settings, db)
    return create_service_app(
        settings=settings,
        db=db,
        bus=bus,
        routers=[router],
        title="SpineFit tenants",
        description="Operator API: tenants and their API keys. Keys are shown once and stored "
        "hashed; every service learns them from tenant-key events.",
    )


app = build_app()
