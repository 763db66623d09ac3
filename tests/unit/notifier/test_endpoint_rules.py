"""The rules of an endpoint's life: a tenant's edit, its health after each attempt, and
whether a claimed delivery may still go to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notifier.domain.endpoints import (
    DISABLED_BY_TENANT,
    after_attempt,
    edited,
    why_not_sent,
)
from services.notifier.domain.payloads import TEST_EVENT_TYPE
from services.notifier.domain.records import Endpoint
from services.notifier.domain.retries import Outcome, delivery_status
from services.notifier.domain.signing import active_secrets

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def endpoint(**changes: object) -> Endpoint:
    fields: dict[str, object] = {
        "endpoint_id": "ep_1",
        "tenant_id": "tn_1",
        "url": "https://a.example/hook",
        "description": "",
        "event_types": ["plan-generated"],
        "enabled": True,
        "disabled_reason": None,
        "disabled_at": None,
        "failing_since": None,
        "secret": "whsec_new",
        "previous_secret": None,
        "previous_secret_expires_at": None,
        "created_at": T0,
        "updated_at": T0,
    }
    return Endpoint(**{**fields, **changes})  # type: ignore[arg-type]


def test_an_edit_sets_only_the_fields_it_names() -> None:
    now = T0 + timedelta(hours=1)
    edit = edited(endpoint(), now, url="https://b.example/hook")
    assert edit.fields == ("url", "updated_at") and not edit.switched
    assert edit.endpoint.url == "https://b.example/hook"
    assert edit.endpoint.event_types == ["plan-generated"] and edit.endpoint.updated_at == now
    unchanged = edited(endpoint(), now, enabled=True)
    assert unchanged.fields == () and unchanged.endpoint == endpoint()


def test_turned_off_it_says_by_whom_and_turned_on_its_failures_are_forgotten() -> None:
    now = T0 + timedelta(hours=1)
    off = edited(endpoint(failing_since=T0), now, enabled=False)
    assert off.switched and off.endpoint.enabled is False
    assert (off.endpoint.disabled_reason, off.endpoint.disabled_at) == (DISABLED_BY_TENANT, now)
    # The run of failures is the worker's to track: turning off does not set it.
    assert "failing_since" not in off.fields
    on = edited(off.endpoint, now, enabled=True)
    assert on.switched and "failing_since" in on.fields
    assert on.endpoint.enabled and on.endpoint.disabled_reason is None
    assert on.endpoint.disabled_at is None and on.endpoint.failing_since is None


def test_a_success_ends_a_run_of_failures_and_a_failure_starts_one() -> None:
    now = T0 + timedelta(minutes=5)
    ended = after_attempt(endpoint(failing_since=T0), Outcome.SUCCEEDED, now, 60)
    assert ended.endpoint.failing_since is None and ended.fields == ("failing_since",)
    assert after_attempt(endpoint(), Outcome.SUCCEEDED, now, 60).fields == ()
    started = after_attempt(endpoint(), Outcome.RETRY, now, 3600)
    assert started.endpoint.failing_since == now and started.endpoint.enabled
    assert started.fields == ("failing_since",)
    kept = after_attempt(endpoint(failing_since=T0), Outcome.RETRY, now, 3600)
    assert kept.endpoint.failing_since == T0 and kept.fields == ()


def test_410_or_failing_past_the_period_turns_it_off_saying_why() -> None:
    now = T0 + timedelta(minutes=5)
    gone = after_attempt(endpoint(), Outcome.GONE, now, 3600)
    assert gone.switched and not gone.endpoint.enabled
    assert "410" in (gone.endpoint.disabled_reason or "")
    failing = after_attempt(endpoint(failing_since=T0), Outcome.RETRY, now, 60).endpoint
    assert not failing.enabled and "every attempt failed since" in (failing.disabled_reason or "")
    assert failing.disabled_at == now == failing.updated_at
    # Already off: the run is tracked, the reason it was turned off is kept.
    off = endpoint(enabled=False, disabled_reason=DISABLED_BY_TENANT)
    after = after_attempt(off, Outcome.GONE, now, 60)
    assert after.fields == ("failing_since",)
    assert after.endpoint.disabled_reason == DISABLED_BY_TENANT


@pytest.mark.parametrize(
    ("current", "event_type", "why"),
    [
        (None, "plan-generated", "gone"),
        (endpoint(enabled=False), "plan-generated", "disabled"),
        (endpoint(event_types=["flare-detected"]), "plan-generated", "unsubscribed"),
        (endpoint(event_types=["flare-detected"]), TEST_EVENT_TYPE, None),
        (endpoint(), "plan-generated", None),
    ],
)
def test_a_claimed_delivery_goes_only_to_an_endpoint_still_on_and_subscribed(
    current: Endpoint | None, event_type: str, why: str | None
) -> None:
    assert why_not_sent(event_type, current) == why


def test_the_previous_secret_signs_only_during_its_grace_period() -> None:
    assert active_secrets("new", "old", T0, T0 - timedelta(seconds=1)) == ["new", "old"]
    assert active_secrets("new", "old", T0, T0) == ["new"]
    assert active_secrets("new", None, None, T0) == ["new"]


def test_an_outcome_gives_the_deliverys_status() -> None:
    assert [delivery_status(o) for o in Outcome] == ["succeeded", "pending", "failed", "failed"]
