"""The flare detector's store: its tables (`tables`), each user's history rows and day parts
(`histories`, the hot path) and what it decided and emitted (`verdicts`). Every query filters
on tenant_id. Callers use `store.<name>`; each name lives in one of the three."""

from __future__ import annotations

from services.flare_detector.store.histories import (
    HistoryJson,
    StoredHistory,
    lock_histories,
    read_history,
    read_part_units,
    read_parts,
    save_histories,
    write_parts,
)
from services.flare_detector.store.tables import (
    PartRef,
    UserKey,
    flares,
    histories,
    history_parts,
    metadata,
    platform,
    removals,
)
from services.flare_detector.store.verdicts import (
    RemovalKey,
    StoredFlare,
    StoredRemoval,
    add_flares,
    add_removals,
    flare_id,
    list_removals,
    notified_flares,
    removal_keys,
)

__all__ = [
    "HistoryJson",
    "PartRef",
    "RemovalKey",
    "StoredFlare",
    "StoredHistory",
    "StoredRemoval",
    "UserKey",
    "add_flares",
    "add_removals",
    "flare_id",
    "flares",
    "histories",
    "history_parts",
    "list_removals",
    "lock_histories",
    "metadata",
    "notified_flares",
    "platform",
    "read_history",
    "read_part_units",
    "read_parts",
    "removal_keys",
    "removals",
    "save_histories",
    "write_parts",
]
