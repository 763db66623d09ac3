"""One settings class per service, all built on this base (pydantic-settings).

Defaults run locally (SQLite in the data dir, Redis on loopback); production refuses to start
with an unsafe default. Every variable is `SPINEFIT_<NAME>`; a service's own database may be
set with `SPINEFIT_<SERVICE>_DATABASE_URL`, which wins over the shared `SPINEFIT_DATABASE_URL`.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self

from limits import parse as parse_rate
from pydantic import AfterValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _rate_rule(value: str) -> str:
    parse_rate(value)  # "10/minute", "100 per second": a ValueError names the setting
    return value


# A rate limit in the `limits` library's notation, checked when the settings load.
RateRule = Annotated[str, AfterValidator(_rate_rule)]


def _default_consumer_name() -> str:
    # One consumer name per replica (process); the reclaimer recovers what a dead one left.
    return f"{socket.gethostname()}-{os.getpid()}"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SPINEFIT_", extra="ignore")

    SERVICE: ClassVar[str] = "service"

    env: Literal["development", "production"] = "development"
    redis_url: str = "redis://127.0.0.1:6379/0"
    data_dir: Path = Path("var")
    database_url: str | None = None
    operator_token: SecretStr | None = None
    public_base_url: str = "http://127.0.0.1:8080"
    log_level: str = "INFO"
    log_json: bool = True

    # HTTP: a request body larger than this is a 413, refused before it is parsed (the
    # proxy holds bodies to the same limit).
    max_body_bytes: int = Field(default=1_048_576, ge=1_024)
    # Failed operator tokens one client address may send (`limits` notation); past it that
    # address gets 429s, even with the right token, until the window has passed.
    operator_lockout_after: RateRule = "10/minute"
    # Requests one tenant may send to this service's tenant API, and requests without a
    # valid key one client address may send to it, all replicas together: each replica
    # checks its own bucket of that many (refilled over the period) and the count of the
    # current period shared in Redis, which it updates every `rate_limit_sync_s` in the
    # background (no I/O per request; replicas may let through that much more). Past it,
    # a 429 with Retry-After.
    tenant_rate_limit: RateRule = "50/second"
    unauthorized_rate_limit: RateRule = "20/second"
    rate_limit_sync_s: float = Field(default=0.1, gt=0, le=10)
    # Messaging. Names are prefixed so environments (and test runs) share a Redis safely.
    stream_prefix: str = ""
    stream_maxlen: int = Field(default=100_000, ge=1_000)
    consumer_name: str = Field(default_factory=_default_consumer_name)
    poll_interval_ms: int = Field(default=200, ge=1)
    # What one read may return, one transaction: large enough to amortise the per-batch
    # round trips under a backlog, small enough that the slowest handler (a heavy user in
    # the flare detector, tens of ms an event) finishes a batch well inside reclaim_idle_ms.
    batch_size: int = Field(default=500, ge=1, le=10_000)
    # In a service with a priority lane, an ordinary batch is applied in slices of about
    # this long each (one transaction each, in stream order), so an urgent event waits for
    # one slice at most, not for a whole batch (`shared.messaging.slices`).
    ordinary_slice_ms: float = Field(default=20, gt=0, le=10_000)
    # An entry pending longer than this is taken over by the reclaimer: longer than the
    # slowest handler, or a live consumer's message would be handled twice at once.
    reclaim_idle_ms: int = Field(default=30_000, ge=10)
    # A consumer of the group that has held nothing and not read for this long belongs to a
    # process that is gone (a live one reads every poll interval): removed by the sweep that
    # runs every `consumer_sweep_s`, and at start. A clean stop removes its own at once.
    stale_consumer_after_s: float = Field(default=3600, gt=0)
    consumer_sweep_s: float = Field(default=300, gt=0)
    max_deliveries: int = Field(default=5, ge=1)
    outbox_poll_s: float = Field(default=0.5, gt=0)
    outbox_batch: int = Field(default=200, ge=1)
    # The collector's thresholds once start-up is done (`gc.set_threshold`); None keeps
    # Python's (700, 10, 10), right for a request path (small, frequent young collections,
    # p99 in milliseconds). A consumer that holds a batch's state at once sets larger ones.
    gc_thresholds: tuple[int, int, int] | None = None

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def resolved_database_url(self) -> str:
        own = os.environ.get(f"SPINEFIT_{self.SERVICE.upper()}_DATABASE_URL")
        if own:
            return own
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / (self.SERVICE + '.db')}"

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        if not self.is_production:
            return self
        problems = []
        token = self.operator_token.get_secret_value() if self.operator_token else ""
        if len(token) < 32:
            problems.append("SPINEFIT_OPERATOR_TOKEN must be set to at least 32 characters")
        if self.resolved_database_url.startswith("sqlite"):
            problems.append("a PostgreSQL SPINEFIT_DATABASE_URL is required in production")
        if problems:
            raise ValueError("; ".join(problems))
        return self
