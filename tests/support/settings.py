from __future__ import annotations

from typing import Any

OPERATOR_TOKEN = "test-operator-token-" + "x" * 24


def fast_settings(**overrides: Any) -> dict[str, Any]:
    """Settings that make retries and reclaiming happen in tenths of a second."""
    base: dict[str, Any] = {
        "poll_interval_ms": 50,
        "reclaim_idle_ms": 300,
        "max_deliveries": 3,
        "outbox_poll_s": 0.05,
        "log_json": False,
        "log_level": "WARNING",
        "operator_token": OPERATOR_TOKEN,
        # Tests that are not about the tenant API's limits send faster than a person does
        # (weeks of logs in a second); the limits' own tests set theirs.
        "tenant_rate_limit": "100000/second",
        "unauthorized_rate_limit": "100000/second",
    }
    base.update(overrides)
    return base
