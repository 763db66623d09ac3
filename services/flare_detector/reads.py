"""Use cases of the flare detector that read: one page of a user's flares, with what the
whole history says beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.flare_detector import store
from services.flare_detector.domain import tiers
from services.flare_detector.domain.history_json import load_history
from services.flare_detector.domain.report import FlareReport, describe_flares
from services.flare_detector.domain.rules import Rules
from services.flare_detector.domain.separation import Unseparable

FlareKey = tuple[datetime, str]  # (observed_at, log_id): a flare's place in the list


@dataclass(frozen=True, slots=True)
class UserFlares:
    """One page of a user's flares (up to `limit + 1`: whether more follow), with what the
    whole history says beside them: its watermark, its removals and the exercises that
    cannot be separated."""

    user_id: str
    watermark: datetime | None
    flares: list[FlareReport]
    cannot_be_separated: list[Unseparable]
    removals: list[store.StoredRemoval]


def flare_key(flare: FlareReport) -> FlareKey:
    return (flare.observed_at, flare.log_id)


async def user_flares(
    session: AsyncSession,
    tenant_id: str,
    user_id: str,
    rules: Rules,
    after: FlareKey | None,
    limit: int,
) -> UserFlares | None:
    """The flares of the user's kept history after `after` (None: from the first), in event
    time, `limit + 1` at most. None when the detector holds no history of the user."""
    stored = await store.read_history(session, tenant_id, user_id)
    if stored is None:
        return None
    removals = await store.list_removals(session, tenant_id, user_id)
    parts = (await store.read_parts(session, [(tenant_id, user_id)]))[(tenant_id, user_id)]
    history = tiers.assemble(load_history(stored), {p: load_history(v) for p, v in parts.items()})
    report = describe_flares(history, rules, [r.key for r in removals])
    shown = [f for f in report.flares if after is None or flare_key(f) > after]
    return UserFlares(
        user_id, report.watermark, shown[: limit + 1], report.cannot_be_separated, removals
    )
