"""Settings of the notifier: the retry schedule, timeouts, concurrency and address policy.

Every value is `SPINEFIT_<NAME>` in the environment; lists are JSON
(`SPINEFIT_WEBHOOK_RETRY_SCHEDULE_S='[5, 300]'`). Tests pass a schedule in tenths of a
second, which is how the day-long schedule runs fast.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import Field, model_validator

from services.notifier.domain.addresses import AddressPolicy
from shared.settings import RateRule, ServiceSettings

# Delays after the 1st, 2nd, ... failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h,
# about 27 hours in all, so a receiver that is down for most of a day still gets its events.
DEFAULT_SCHEDULE_S: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)


class NotifierSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "notifier"

    webhook_retry_schedule_s: list[float] = Field(
        default_factory=lambda: list(DEFAULT_SCHEDULE_S), min_length=1, max_length=30
    )
    # Each delay is spread by +/- this fraction, so receivers that come back are not hit by
    # every retry in the same second.
    webhook_retry_jitter: float = Field(default=0.2, ge=0, lt=1)
    webhook_attempt_timeout_s: float = Field(default=10.0, gt=0, le=60)
    # An endpoint whose every attempt failed for this long is disabled (and says why).
    webhook_disable_after_s: float = Field(default=24 * 3600, gt=0)
    # The old secret keeps signing beside the new one for this long after a rotation.
    webhook_secret_grace_s: float = Field(default=24 * 3600, ge=0)
    webhook_poll_s: float = Field(default=0.5, gt=0)
    # A claimed delivery whose worker died becomes due again after this lease.
    webhook_lease_s: float = Field(default=60.0, gt=0)
    webhook_max_in_flight: int = Field(default=64, ge=1, le=1000)
    # Endpoints one tenant may have at once (a create beyond it is a 409).
    webhook_max_endpoints: int = Field(default=20, ge=1, le=1000)
    # `POST .../test` per endpoint (`limits` notation): each one sends a signed request.
    webhook_test_limit: RateRule = "5/minute"
    webhook_max_in_flight_per_endpoint: int = Field(default=4, ge=1, le=100)
    # Development only: lets `make run` and the tests deliver to a receiver on loopback.
    allow_loopback_webhooks: bool = False
    # Tests only: wait this long between claiming a delivery and sending it, so a test can
    # kill the process in that window.
    webhook_test_pause_before_send_s: float = Field(default=0.0, ge=0)

    @property
    def address_policy(self) -> AddressPolicy:
        """https only in production; loopback only where development allows it."""
        return AddressPolicy(
            https_only=self.is_production, allow_loopback=self.allow_loopback_webhooks
        )

    @model_validator(mode="after")
    def _refuse_unsafe_webhooks(self) -> Self:
        if self.webhook_lease_s <= self.webhook_attempt_timeout_s:
            raise ValueError("webhook_lease_s must exceed webhook_attempt_timeout_s")
        if self.is_production and self.allow_loopback_webhooks:
            raise ValueError("SPINEFIT_ALLOW_LOOPBACK_WEBHOOKS is for development only")
        if self.is_production and self.webhook_test_pause_before_send_s:
            raise ValueError("SPINEFIT_WEBHOOK_TEST_PAUSE_BEFORE_SEND_S is for tests only")
        return self
