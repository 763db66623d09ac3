"""Composition root of the notifier service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.notifier import store
from services.notifier.settings import NotifierSettings
from shared.http.app import assemble_service


def build_app(settings: NotifierSettings | None = None) -> FastAPI:
    return assemble_service(
        settings or NotifierSettings(),
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(__file__).parent / "migrations",
        title="SpineFit notifier",
        description="Tenants' webhook endpoints and deliveries (issue: webhooks).",
    )


app = build_app()
