"""history parts: the days of a history kept out of its row

Revision ID: 5c0ad2e91b7f
Revises: d15197074a9e
Create Date: 2026-12-02 21:40:00

A history row written before this holds every kept record; it is split into its summary and
its parts the next time an event is applied to it (domain/tiers.py), so nothing is migrated
here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c0ad2e91b7f"
down_revision: str | Sequence[str] | None = "d15197074a9e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "flare_detector_history_parts",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("part", sa.JSON(), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "day", "kind"),
    )


def downgrade() -> None:
    op.drop_table("flare_detector_history_parts")
