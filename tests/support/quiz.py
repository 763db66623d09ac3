"""The tenants and quiz services in-process: the smallest stack with a tenant API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI

from services.quiz.app import build_app as build_quiz
from services.quiz.settings import QuizSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from tests.support.stack import service_settings


def tenants_and_quiz(
    redis_url: str, tmp_path: Path, prefix: str, **quiz_settings: Any
) -> dict[str, FastAPI]:
    """The two services on SQLite files of this test's own; `quiz_settings` for the quiz."""
    db = f"sqlite+aiosqlite:///{tmp_path}/x.db"
    return {
        "tenants": build_tenants(service_settings(TenantsSettings, redis_url, db, prefix)),
        "quiz": build_quiz(service_settings(QuizSettings, redis_url, db, prefix, **quiz_settings)),
    }
