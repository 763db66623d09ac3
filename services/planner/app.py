"""Composition root of the planner service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.planner import consumers, store
from services.planner.api import router
from services.planner.catalogue import default_library
from services.planner.domain.library import Library
from services.planner.settings import PlannerSettings
from shared.http.app import assemble_service


def build_app(settings: PlannerSettings | None = None, library: Library | None = None) -> FastAPI:
    # Validated here, before anything starts: a broken library stops the service.
    library = library or default_library()
    app = assemble_service(
        settings or PlannerSettings(),
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        subscribe=lambda bus: consumers.subscribe(bus, library),
        title="SpineFit planner",
        description="The exercise library, personalised plans and their versions.",
    )
    app.state.library = library
    return app


app = build_app()
