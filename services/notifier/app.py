"""Composition root of the notifier service: the endpoints API, the public-event consumers
and the delivery worker."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.notifier import store
from services.notifier.api import router
from services.notifier.consumers import subscribe_public_events
from services.notifier.settings import NotifierSettings
from services.notifier.worker import DeliveryWorker
from shared.db.database import Database
from shared.http.app import assemble_service
from shared.messaging.bus import EventBus

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: NotifierSettings | None = None) -> FastAPI:
    settings = settings or NotifierSettings()

    running: list[DeliveryWorker] = []

    def wake_sender() -> None:
        for worker in running:
            worker.wake.set()

    async def delivery_worker(db: Database, _: EventBus) -> None:
        worker = DeliveryWorker(db, settings)
        running.append(worker)
        try:
            await worker.run()
        finally:
            running.remove(worker)

    return assemble_service(
        settings,
        metadata=store.metadata,
        tables=store.platform,
        migrations=MIGRATIONS,
        routers=[router],
        subscribe=lambda bus: subscribe_public_events(bus, settings, wake_sender),
        background=[delivery_worker],
        title="SpineFit notifier",
        description="Tenants' webhook endpoints, signed deliveries, retries and their history.",
    )


app = build_app()
