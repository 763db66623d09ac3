"""Tables of the quiz service: every submitted response, accepted or referred."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import JSON, Column, Index, MetaData, String, Table, Uuid, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.platform_tables import platform_tables
from shared.db.rows import fetch_one
from shared.db.types import UTCDateTime
from shared.events.quiz import ReferralLevel

metadata = MetaData()
platform = platform_tables(metadata, "quiz")

responses = Table(
    "quiz_responses",
    metadata,
    Column("response_id", Uuid, primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("questionnaire_version", String(32), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # accepted | refer
    Column("referral_level", String(16), nullable=True),
    Column("reasons", JSON, nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
)
Index(
    "ix_quiz_responses_owner", responses.c.tenant_id, responses.c.user_id, responses.c.submitted_at
)


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    """A row of quiz_responses: answers and reasons as stored JSON."""

    response_id: uuid.UUID
    tenant_id: str
    user_id: str
    questionnaire_version: str
    answers: dict[str, Any]
    status: Literal["accepted", "refer"]
    referral_level: ReferralLevel | None
    reasons: list[dict[str, Any]]
    submitted_at: datetime

    def values(self) -> dict[str, Any]:
        """The row's column values (for a multi-row insert: `shared.db.records.Fresh`)."""
        return {name: getattr(self, name) for name in self.__slots__}


async def add_response(session: AsyncSession, response: ResponseRecord) -> None:
    await session.execute(insert(responses).values(response.values()))


async def latest_response(
    session: AsyncSession, tenant_id: str, user_id: str
) -> ResponseRecord | None:
    return await fetch_one(
        session,
        ResponseRecord,
        select(responses)
        .where(responses.c.tenant_id == tenant_id, responses.c.user_id == user_id)
        .order_by(responses.c.submitted_at.desc())
        .limit(1),
    )


def new_response_id() -> uuid.UUID:
    return uuid.uuid4()
