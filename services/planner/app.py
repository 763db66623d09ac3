"""Composition root of the planner service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.planner import store
from services.planner.settings import PlannerSettings
from shared.http.app import assemble_service


def build_app(settings: PlannerSettings | None = None) -> FastAPI:
    return assemble_service(
        settings or PlannerSettings(),
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(__file__).parent / "migrations",
        title="SpineFit planner",
        description="Plans: the exercise library, plans and their versions (issue: planner).",
    )


app = build_app()
