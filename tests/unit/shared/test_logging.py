"""Logs carry ids and the correlation id, never what a person told us about their pain."""

from __future__ import annotations

import json

import pytest
import structlog

from shared.observability.context import bind_correlation_id, reset_correlation_id
from shared.observability.logging import configure_logging, get_logger


def _fail_with_health_data_in_scope() -> None:
    pain_note = "burning pain down the left calf, 9/10"  # noqa: F841 - a local, on purpose
    raise RuntimeError("handler failed")


@pytest.mark.parametrize("json_logs", [True, False, None], ids=["json", "console", "unset"])
def test_a_logged_failure_shows_no_local_variables(
    json_logs: bool | None, capsys: pytest.CaptureFixture[str]
) -> None:
    structlog.reset_defaults()
    if json_logs is not None:
        configure_logging("test", "INFO", json=json_logs)
    try:
        _fail_with_health_data_in_scope()
    except RuntimeError:
        get_logger("t").warning("event_failed", event_id="e-1", exc_info=True)
    err = capsys.readouterr().err
    assert "event_failed" in err and "handler failed" in err
    assert "burning" not in err
    structlog.reset_defaults()


def test_json_logs_carry_the_correlation_id(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("test", "INFO", json=True)
    token = bind_correlation_id("req-123")
    try:
        get_logger("t").info("quiz_submitted", response_id="r-1")
    finally:
        reset_correlation_id(token)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["correlation_id"] == "req-123"
    assert line["service"] == "test"
    structlog.reset_defaults()
