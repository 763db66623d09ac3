"""Composition root of the notifier service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.notifier import store
from services.notifier.settings import NotifierSettings
from shared.db.database import Database
from shared.http.app import create_service_app
from shared.messaging.bus import EventBus
from shared.tenancy.subscriptions import replicate_tenant_keys

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: NotifierSettings | None = None) -> FastAPI:
    settings = settings or NotifierSettings()
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
        title="SpineFit notifier",
        description="The notifier service of SpineFit.",
    )


app = build_app()
