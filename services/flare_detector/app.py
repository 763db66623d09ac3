"""Composition root of the flare_detector service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.flare_detector import store
from services.flare_detector.settings import FlareDetectorSettings
from shared.http.app import assemble_service


def build_app(settings: FlareDetectorSettings | None = None) -> FastAPI:
    return assemble_service(
        settings or FlareDetectorSettings(),
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(__file__).parent / "migrations",
        title="SpineFit flare_detector",
        description="Per-user lagged windows, flares and their attributions.",
    )


app = build_app()
