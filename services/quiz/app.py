"""Composition root of the quiz service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.quiz import store
from services.quiz.api import router
from services.quiz.settings import QuizSettings
from shared.http.app import assemble_service


def build_app(settings: QuizSettings | None = None) -> FastAPI:
    return assemble_service(
        settings or QuizSettings(),
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        title="SpineFit quiz",
        description="The questionnaire, red-flag screening and quiz responses.",
    )


app = build_app()
