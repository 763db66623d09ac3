"""A shutdown step that hangs is cut off, so a service always exits."""

from __future__ import annotations

import asyncio

import pytest

from shared.http import app as app_module


async def test_a_hanging_shutdown_step_is_cut_off_and_the_next_one_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app_module, "SHUTDOWN_STEP_S", 0.05)
    never = asyncio.get_running_loop().create_future()
    done: list[str] = []

    async def quick() -> None:
        done.append("database")

    await asyncio.wait_for(app_module._bounded("bus", never), 2)
    await app_module._bounded("database", quick())
    assert never.cancelled()
    assert done == ["database"]
