"""The published event catalogue (AsyncAPI) says who consumes what; it must match the
subscriptions the services actually make, or operators and tenants read a wrong map."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from shared.events.asyncapi import consumed_streams

SERVICES = ("tenants", "quiz", "planner", "painlog", "flare_detector", "notifier")


@pytest.mark.parametrize("service", SERVICES)
def test_asyncapi_lists_exactly_what_each_service_subscribes_to(
    service: str, tmp_path: Path
) -> None:
    app_module = importlib.import_module(f"services.{service}.app")
    settings_module = importlib.import_module(f"services.{service}.settings")
    settings_cls = next(
        v
        for k, v in vars(settings_module).items()
        if k.endswith("Settings") and getattr(v, "SERVICE", None) == service
    )
    # Building the app connects to nothing: it only wires the bus and the routes.
    app = app_module.build_app(settings_cls(data_dir=tmp_path, redis_url="redis://127.0.0.1:1/0"))
    subscribed = {sub.stream for sub in app.state.bus.subscriptions}
    assert subscribed == consumed_streams(service)
