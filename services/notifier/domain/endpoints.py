"""What happens to an endpoint: a tenant's edit, an attempt's verdict on its health, and
whether a claimed delivery may still go to it (see docs/webhooks.md).

- Turned off by the tenant, it says so; turned on again, its failure history is cleared.
- After a 410 Gone, or when every attempt has failed for `disable_after_s`, it is turned off,
  saying why; any success clears the run of failures.
- A delivery goes out only to an endpoint that still exists, is on and takes its type (a test
  event goes to any endpoint that is on).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.notifier.domain.payloads import TEST_EVENT_TYPE
from services.notifier.domain.records import SWITCH_FIELDS, Endpoint, EndpointField
from services.notifier.domain.retries import Outcome, should_disable

DISABLED_BY_TENANT = "disabled by the tenant"


@dataclass(frozen=True, slots=True)
class Change:
    """An endpoint after a change, and the fields the change set (none: nothing to store)."""

    endpoint: Endpoint
    fields: tuple[EndpointField, ...] = ()

    @property
    def switched(self) -> bool:
        """Turned on or off."""
        return "enabled" in self.fields


def edited(
    endpoint: Endpoint,
    now: datetime,
    *,
    url: str | None = None,
    description: str | None = None,
    event_types: list[str] | None = None,
    enabled: bool | None = None,
) -> Change:
    """The endpoint with the tenant's changes (None: left as it is). Only the fields given
    are set, so two edits of different fields never undo each other."""
    after = replace(
        endpoint,
        url=endpoint.url if url is None else url,
        description=endpoint.description if description is None else description,
        event_types=endpoint.event_types if event_types is None else event_types,
    )
    fields: list[EndpointField] = []
    if url is not None:
        fields.append("url")
    if description is not None:
        fields.append("description")
    if event_types is not None:
        fields.append("event_types")
    if enabled is True and not endpoint.enabled:
        # A fresh start: the failure history no longer counts.
        after = replace(
            after, enabled=True, disabled_reason=None, disabled_at=None, failing_since=None
        )
        fields += [*SWITCH_FIELDS, "failing_since"]
    elif enabled is False and endpoint.enabled:
        after = replace(after, enabled=False, disabled_reason=DISABLED_BY_TENANT, disabled_at=now)
        fields += SWITCH_FIELDS
    if not fields:
        return Change(endpoint)
    return Change(replace(after, updated_at=now), (*fields, "updated_at"))


def after_attempt(
    endpoint: Endpoint, outcome: Outcome, now: datetime, disable_after_s: float
) -> Change:
    """The endpoint's health after an attempt with this outcome: the start of its run of
    failures, and turned off (saying why) after a 410 or a run longer than allowed."""
    if outcome is Outcome.SUCCEEDED:
        if endpoint.failing_since is None:
            return Change(endpoint)
        return Change(replace(endpoint, failing_since=None), ("failing_since",))
    failing_since = endpoint.failing_since or now
    reason = None
    if outcome is Outcome.GONE:
        reason = "the receiver answered 410 Gone"
    elif should_disable(failing_since, now, disable_after_s):
        reason = (
            f"every attempt failed since {failing_since.isoformat()} "
            f"(for more than {disable_after_s:g} s)"
        )
    if reason and endpoint.enabled:
        off = replace(
            endpoint,
            failing_since=failing_since,
            enabled=False,
            disabled_reason=reason,
            disabled_at=now,
            updated_at=now,
        )
        return Change(off, (*SWITCH_FIELDS, "failing_since", "updated_at"))
    if failing_since == endpoint.failing_since:
        return Change(endpoint)
    return Change(replace(endpoint, failing_since=failing_since), ("failing_since",))


def why_not_sent(event_type: str, endpoint: Endpoint | None) -> str | None:
    """Why a claimed delivery must not be sent now, judged on the endpoint as it is just
    before sending (it may have changed since the claim): "gone", "disabled",
    "unsubscribed", or None to send it (to the endpoint's current URL, with its current
    secrets)."""
    if endpoint is None:
        return "gone"
    if not endpoint.enabled:
        return "disabled"
    if event_type != TEST_EVENT_TYPE and event_type not in endpoint.event_types:
        return "unsubscribed"
    return None
