"""The tenants and planner services in-process, for the planner's integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.planner.app import build_app as build_planner
from services.planner.settings import PlannerSettings
from services.tenants.app import build_app as build_tenants
from services.tenants.settings import TenantsSettings
from tests.support.stack import Stack, service_settings, stack


@asynccontextmanager
async def planner_stack(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    apps = {
        "tenants": build_tenants(
            service_settings(TenantsSettings, redis_url, database_url, prefix)
        ),
        "planner": build_planner(
            service_settings(PlannerSettings, redis_url, database_url, prefix)
        ),
    }
    async with stack(apps) as running:
        yield running
