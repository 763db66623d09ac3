"""Composition root of the flare_detector service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.flare_detector import store
from services.flare_detector.settings import FlareDetectorSettings
from shared.db.database import Database
from shared.http.app import create_service_app
from shared.messaging.bus import EventBus
from shared.tenancy.subscriptions import replicate_tenant_keys

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: FlareDetectorSettings | None = None) -> FastAPI:
    settings = settings or FlareDetectorSettings()
    db = Database(
        settings.resolved_database_url,
        service=settings.SERVICE,
        metadata=store.metadata,
        tables=store.platform,
        migrations=MIGRATIONS,
    )
    bus = EventBus(settings, db)
    replicate_tenant_keys(bus)
    return create_service_app(
        settings=settings,
        db=db,
        bus=bus,
        routers=[],
        title="SpineFit flare_detector",
        description="The flare_detector service of SpineFit.",
    )


app = build_app()
