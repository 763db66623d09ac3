"""Composition root of the flare_detector service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.flare_detector import store
from services.flare_detector.api import router
from services.flare_detector.consumers import subscriber
from services.flare_detector.settings import FlareDetectorSettings
from shared.http.app import assemble_service


def build_app(settings: FlareDetectorSettings | None = None) -> FastAPI:
    settings = settings or FlareDetectorSettings()
    return assemble_service(
        settings,
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        subscribe=subscriber(settings.rules()),  # type: ignore[arg-type]
        title="SpineFit flare_detector",
        description="Per-user lagged windows, flares and their attributions.",
    )


app = build_app()
