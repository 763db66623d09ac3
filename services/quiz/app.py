"""Composition root of the quiz service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.quiz import store
from services.quiz.api import router
from services.quiz.settings import QuizSettings
from shared.db.database import Database
from shared.http.app import create_service_app
from shared.messaging.bus import EventBus
from shared.tenancy.subscriptions import replicate_tenant_keys

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: QuizSettings | None = None) -> FastAPI:
    settings = settings or QuizSettings()
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
        routers=[router],
        title="SpineFit quiz",
        description="The questionnaire, red-flag screening and quiz responses.",
    )


app = build_app()
