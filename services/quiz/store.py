"""Tables of the quiz service: every submitted response, accepted or referred."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Column, Index, MetaData, String, Table, Uuid, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.platform_tables import platform_tables
from shared.db.types import UTCDateTime

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


async def add_response(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(responses).values(**values))


async def latest_response(
    session: AsyncSession, tenant_id: str, user_id: str
) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(responses)
            .where(responses.c.tenant_id == tenant_id, responses.c.user_id == user_id)
            .order_by(responses.c.submitted_at.desc())
            .limit(1)
        )
    ).first()
    return dict(row._mapping) if row else None


def new_response_id() -> uuid.UUID:
    return uuid.uuid4()
