"""Applying a user's events to the two tiers (domain/tiers.py): to the summary alone, with the
units of the parts its checkpoints read, or to the whole history, split again after; and what
the store writes and deletes (`Applied`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.flare_detector.domain.cold_days import PartKey
from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.history import History, NeedsWholeHistory, SessionOutcome
from services.flare_detector.domain.history_json import dump_history
from services.flare_detector.domain.parts_json import part_units
from services.flare_detector.domain.rules import Rules
from services.flare_detector.domain.tiers import WHOLE_BELOW, assemble, rules_key, split


@dataclass
class Applied:
    """A user's events applied: the summary to store, what each event implied, the parts to
    write and the parts to delete (deleted first: a whole-history apply rewrites them all)."""

    history: History
    steps: list[Any]  # detector.Step, per event
    written: dict[PartKey, tuple[dict[str, Any], list[Any]]]  # the part's JSON, its units'
    dropped: list[PartKey]
    whole: bool


def _stored(parts: dict[PartKey, History]) -> dict[PartKey, tuple[dict[str, Any], list[Any]]]:
    return {k: (dump_history(p), part_units(p)) for k, p in parts.items()}


def apply_to_summary(
    summary: History,
    units: dict[PartKey, list[SessionOutcome]],
    events: list[Any],
    rules: Rules,
    now: Any,
    whole_below: int = WHOLE_BELOW,
) -> Applied:
    """Apply events to the summary alone, with the units of the parts `parts_needed` named.
    Raises NeedsWholeHistory when one of them can change what it does not hold (the caller
    applies them to the whole history instead, from what it had stored)."""
    if summary.cold is None:
        raise NeedsWholeHistory("a history kept as one row")
    if summary.cold.rules != rules_key(rules):
        raise NeedsWholeHistory("split under other rules")
    before = set(summary.cold.parts)
    summary.cold.loaded = dict(units)
    steps = [ingest(summary, e, rules, now) for e in events]
    mark = summary.watermark(rules)
    if mark is not None:
        summary.cold.move_edges(mark, rules)
    written = _stored(split(summary, rules, whole_below))
    summary.cold.loaded = {}
    return Applied(summary, steps, written, sorted(before - set(summary.cold.parts)), False)


def apply_to_whole(
    summary: History,
    parts: dict[PartKey, History],
    events: list[Any],
    rules: Rules,
    now: Any,
    whole_below: int = WHOLE_BELOW,
) -> Applied:
    """Apply events to the whole history (the summary with every part back in), then split
    it again: a stored part the events changed (or that is gone) is replaced; the others,
    usually nearly all, are left as they are."""
    before = {key: dump_history(part) for key, part in parts.items()}
    history = assemble(summary, parts)
    steps = [ingest(history, e, rules, now) for e in events]
    split_now = _stored(split(history, rules, whole_below))
    written = {k: p for k, p in split_now.items() if before.get(k) != p[0]}
    dropped = sorted(k for k in before if k not in split_now or k in written)
    return Applied(history, steps, written, dropped, True)
