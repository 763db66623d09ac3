"""The event envelope every SpineFit event carries (DESIGN.md, "Services and the events").

Events cross processes, so they are frozen pydantic models that forbid unknown fields.
`event_id` is the idempotency key; `occurred_at` is event time (the client's, where it knows
it), `emitted_at` is when the emitting service wrote it to its outbox.
"""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic_core import PydanticCustomError

from shared.observability.context import current_correlation_id

# The tenant's own identifier for its end user: opaque, printable, bounded.
USER_ID_PATTERN = r"[A-Za-z0-9._:@-]{1,128}"
UserId = Annotated[str, StringConstraints(pattern=f"^{USER_ID_PATTERN}$")]
TenantId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]

# C0 controls but tab and line breaks, DEL, C1 controls, and the bidirectional overrides and
# isolates (text that reads differently from what it holds: "Trojan Source").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# And, on one line, its breaks and tabs (a name with CR LF could forge a log or header line).
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")


def _no_control_characters(value: str) -> str:
    # PostgreSQL cannot store NUL in text at all (SQLite can): refused on both, as a 422.
    if _CONTROL.search(value):
        raise ValueError(
            "control characters (such as NUL) and bidirectional overrides are not allowed"
        )
    return value


def _one_line(value: str) -> str:
    if _LINE_BREAKS.search(value):
        raise ValueError("line breaks and tabs are not allowed: one line of text")
    return value


# Free text a client sends (a description): no NUL or other control characters besides tab
# and line breaks.
PlainText = Annotated[str, AfterValidator(_no_control_characters)]
# One line of it (a name, a URL): no tab or line break either.
LineText = Annotated[str, AfterValidator(_no_control_characters), AfterValidator(_one_line)]


def utc_now() -> datetime:
    return datetime.now(UTC)


def at_most(n: int) -> BeforeValidator:
    """An array longer than `n` refused before any of its items is validated: pydantic
    checks a tuple's `max_length` only after every item, so 100,000 bad items made 200,000
    errors (0.5 s of CPU, and seconds for nested objects) where one "too long" will do.
    Beside `Field(max_length=n)`, which keeps the schema's `maxItems`."""

    def check(value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > n:
            raise PydanticCustomError(
                "too_long",
                "Array should have at most {max_length} items, not {actual_length}",
                {"field_type": "Array", "max_length": n, "actual_length": len(value)},
            )
        return value

    return BeforeValidator(check)


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


M = TypeVar("M", bound=BaseModel)
# Defaults that are safe to share between instances (pydantic copies the others each time).
_IMMUTABLE = (str, int, float, bool, type(None), tuple, frozenset)


@dataclass(frozen=True)
class _Construction:
    order: tuple[str, ...]  # the fields, in their order (a dump follows it)
    names: frozenset[str]
    defaults: dict[str, Any]  # plain, immutable defaults
    needed: frozenset[str]  # required, or defaulted by a factory: the caller gives them


@functools.cache
def _construction(cls: type[BaseModel]) -> _Construction | None:
    """How `built` makes a `cls`; None where it would differ from `model_construct` (aliases,
    a post-init hook, extra fields kept, a mutable default)."""
    if cls.__pydantic_post_init__ or cls.model_config.get("extra") == "allow":
        return None
    defaults: dict[str, Any] = {}
    needed = set()
    for name, field in cls.model_fields.items():
        if field.alias not in (None, name) or field.validation_alias not in (None, name):
            return None
        if field.default_factory is not None or field.is_required():
            needed.add(name)
        elif isinstance(field.default, _IMMUTABLE):
            defaults[name] = field.default
        else:
            return None
    names = tuple(cls.model_fields)
    return _Construction(names, frozenset(names), defaults, frozenset(needed))


def built(cls: type[M], **values: Any) -> M:
    """`cls.model_construct(**values)`, the same instance, for values already validated, at a
    fraction of its cost: the fields' plain defaults are found once per class, not field by
    field with their aliases on every call (an ingest request builds an event per report).
    Falls back to `model_construct` when a field is missing or unknown."""
    how = _construction(cls)
    if how is None or not how.needed <= values.keys() <= how.names:
        return cls.model_construct(**values)
    defaults = how.defaults
    fields = {n: values[n] if n in values else defaults[n] for n in how.order}
    instance = cls.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance
