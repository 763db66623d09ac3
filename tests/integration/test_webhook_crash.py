"""The notifier killed between recording a delivery and sending it delivers it after a
restart, with the same webhook-id (real processes, real Redis, real databases)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import select

from services.notifier import service, store
from services.notifier.app import MIGRATIONS
from services.notifier.settings import NotifierSettings
from services.notifier.store import tables
from shared.db.database import Database
from tests.factories.notifier import plan_generated
from tests.support.notifier import Receiver, notifier_settings, publish, receivers
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
TENANT = "tn_crash"


def start_notifier(
    redis_url: str, database_url: str, prefix: str, **overrides: Any
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.notifier_process",
            redis_url,
            database_url,
            prefix,
            json.dumps(overrides),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def _deliveries(db: Database) -> list[dict[str, Any]]:
    async with db.read() as session:
        rows = await session.execute(select(tables.deliveries))
        return [dict(r._mapping) for r in rows]


@pytest.mark.timeout(300)
async def test_notifier_killed_after_recording_before_sending_delivers_after_restart(
    redis_url: str, database_url: str, prefix: str, redis_client: redis.Redis
) -> None:
    settings: NotifierSettings = notifier_settings(redis_url, database_url, prefix)
    db = Database(
        settings.resolved_database_url,
        service="notifier",
        metadata=store.metadata,
        tables=store.platform,
        migrations=MIGRATIONS,
    )
    await db.migrate()
    common = {"webhook_attempt_timeout_s": 1.0, "webhook_lease_s": 1.5}
    with receivers(Receiver()) as (receiver,):
        async with db.unit_of_work() as uow:
            await service.endpoints.create(
                uow,
                TENANT,
                url=receiver.url,
                event_types=["plan-generated"],
                description="",
                max_endpoints=10,
            )
        doomed = start_notifier(
            redis_url,
            database_url,
            prefix,
            consumer_name="doomed",
            webhook_test_pause_before_send_s=60,
            **common,
        )
        heir = None
        try:
            publish(redis_client, prefix, plan_generated(TENANT))

            async def claimed() -> list[dict[str, Any]] | None:
                rows = await _deliveries(db)
                return rows if rows and rows[0]["claim_token"] else None

            rows = await eventually(claimed, timeout=120)  # a new process: slow to start when busy
            assert rows is not None
            [recorded] = rows
            doomed.send_signal(signal.SIGKILL)
            await asyncio.to_thread(doomed.wait, 10)
            assert receiver.received == []
            assert recorded["status"] == "pending" and recorded["attempts"] == 0

            heir = start_notifier(redis_url, database_url, prefix, consumer_name="heir", **common)

            async def delivered() -> list[dict[str, Any]] | None:
                rows = await _deliveries(db)
                return rows if rows[0]["status"] == "succeeded" else None

            finished = await eventually(delivered, timeout=120)
            assert finished is not None
            [done] = finished
        finally:
            doomed.kill()
            if heir is not None:
                heir.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(heir.wait, 20)
                finally:
                    heir.kill()
            await db.dispose()
    assert receiver.ids() == [recorded["webhook_id"]]
    assert done["attempts"] == 1 and done["webhook_id"] == recorded["webhook_id"]
