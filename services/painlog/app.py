"""Composition root of the painlog service."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.painlog import consumers, store
from services.painlog.api import FAST_POSTS, router
from services.painlog.settings import PainlogSettings
from shared.http.app import assemble_service


def build_app(settings: PainlogSettings | None = None) -> FastAPI:
    return assemble_service(
        settings or PainlogSettings(),
        metadata=store.metadata,
        tables=store.platform,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        fast_posts=FAST_POSTS,
        subscribe=consumers.subscribe,
        title="SpineFit painlog",
        description="Sessions and pain logs, and their timeline with a chart.",
    )


app = build_app()
