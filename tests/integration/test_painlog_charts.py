"""Charts are drawn in a worker process, a bounded number at a time, and once per content:
the same data is answered from memory, new data draws anew (real painlog service, real
matplotlib in a real worker process)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from services.painlog import chart_renderer
from services.painlog.chart_renderer import ChartRenderer
from tests.factories.painlog import pain_body, sample_chart_data
from tests.integration.test_painlog import new_user
from tests.support.painlog import painlog_stack
from tests.support.stack import Stack


@pytest.fixture
async def services(redis_url: str, database_url: str, prefix: str) -> AsyncIterator[Stack]:
    async with painlog_stack(redis_url, database_url, prefix) as running:
        yield running


async def test_a_chart_is_drawn_once_per_content_and_again_when_the_data_changes(
    services: Stack,
) -> None:
    user = await new_user(services, "chart-user")
    now = datetime.now(UTC)
    assert (await user.pain(pain_body(now - timedelta(hours=3), level=4))).status_code == 202
    # A fixed window, as in the chart links the timeline gives.
    window = {"from": (now - timedelta(days=2)).isoformat(), "to": now.isoformat()}
    drawn = chart_renderer.renderer.drawn
    first = await user.chart("svg", **window)
    again = await user.chart("svg", **window)
    assert first.status_code == again.status_code == 200, first.text
    assert first.content == again.content
    assert chart_renderer.renderer.drawn == drawn + 1  # the second came from memory
    assert (await user.pain(pain_body(now - timedelta(hours=1), level=6))).status_code == 202
    changed = await user.chart("svg", **window)
    assert changed.status_code == 200
    assert changed.content != first.content
    assert chart_renderer.renderer.drawn == drawn + 2


async def test_beyond_its_bound_the_renderer_turns_charts_away_instead_of_queueing() -> None:
    renderer = ChartRenderer(workers=1, waiting=1)
    data = sample_chart_data()
    distinct = [dataclasses.replace(data, user_id=f"u-{i}") for i in range(4)]
    try:
        images = await asyncio.gather(*(renderer.render(d, "svg") for d in distinct))
    finally:
        renderer.close()
    assert [image is not None for image in images] == [True, True, False, False]
    assert all(image.startswith(b"<?xml") for image in images[:2] if image)
    assert renderer.drawn == 2
