"""The tenants and painlog services in-process, for the pain log's integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from services.painlog import store as painlog_store
from services.painlog.app import build_app as build_painlog
from services.painlog.settings import PainlogSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from shared.db.database import Database
from tests.support.stack import Stack, bearer, service_settings, stack


@asynccontextmanager
async def painlog_stack(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "painlog": build_painlog(
            service_settings(PainlogSettings, redis_url, database_url, prefix)
        ),
    }
    async with stack(apps) as running:
        yield running


class PainlogUser:
    """One tenant's user, talking to the painlog service."""

    def __init__(self, services: Stack, key: str, user_id: str = "patient-17") -> None:
        self.client: httpx.AsyncClient = services.clients["painlog"]
        self.headers = bearer(key)
        self.base = f"/v1/users/{user_id}"


@asynccontextmanager
async def painlog_database(url: str) -> AsyncIterator[Database]:
    """The painlog service's tables alone (no migrations: created from the metadata), for
    tests of the database layer; disposed after."""
    db = Database(
        url,
        service="painlog",
        metadata=painlog_store.metadata,
        tables=painlog_store.platform,
        migrations=None,
    )
    await db.migrate()
    try:
        yield db
    finally:
        await db.dispose()
