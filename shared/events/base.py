"""The event envelope every SpineFit event carries (DESIGN.md, "Services and the events").

Events cross processes, so they are frozen pydantic models that forbid unknown fields.
`event_id` is the idempotency key; `occurred_at` is event time (the client's, where it knows
it), `emitted_at` is when the emitting service wrote it to its outbox.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from shared.observability.context import current_correlation_id

# The tenant's own identifier for its end user: opaque, printable, bounded.
UserId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:@-]{1,128}$")]
TenantId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    # PostgreSQL cannot store NUL in text at all (SQLite can): refused on both, as a 422.
    if _CONTROL.search(value):
        raise ValueError("control characters (such as NUL) are not allowed")
    return value


# Free text a client sends (a name, a description, a URL): no NUL or other control
# characters besides tab and line breaks.
PlainText = Annotated[str, AfterValidator(_no_control_characters)]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Frozen(BaseModel):
    """Base for every value that travels inside an event."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(Frozen):
    """The envelope. Subclasses fix `event_type` and `schema_version` with Literal fields."""

    # Set by each concrete event class; the stream it travels on is named after it.
    TYPE: ClassVar[str] = ""
    # True for events tenants may hear about through webhooks (issue: notifier).
    PUBLIC: ClassVar[bool] = False

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    event_type: str
    schema_version: int
    tenant_id: TenantId
    user_id: UserId | None = None
    occurred_at: AwareDatetime = Field(default_factory=utc_now)
    emitted_at: AwareDatetime = Field(default_factory=utc_now)
    correlation_id: str = Field(default_factory=current_correlation_id, max_length=128)

    @property
    def urgent(self) -> bool:
        """Also published on the stream's priority lane (`streams.PRIORITY_LANE`)."""
        return False


class UserEvent(Event):
    """An event about one end user: `user_id` is required."""

    user_id: UserId
