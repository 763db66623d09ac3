"""The tiered history (domain/tiers.py) decides exactly as the whole history does.

Each event is applied as the service applies it: to the summary alone with the parts the
checkpoints read, or, when it can change what the summary does not hold, to the whole
history; the summary and the parts go through JSON as they do through the store. After
every event the assembled state (summary + parts) must equal the state of one `History`
fed the same events, and the removals and flares it implies must be the same. Users are
simulated for three months, so that days go to parts, lookbacks start inside them and the
retention drops them; delivered in event order, within the lateness with duplicates, and
with records later than the lateness and a second quiz (the whole-history path)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from services.flare_detector.domain.attribution import units_at
from services.flare_detector.domain.cold_days import INFORMATIVE_COUNT, MORNINGS, informative_count
from services.flare_detector.domain.detector import ingest, record_of
from services.flare_detector.domain.history import History
from services.flare_detector.domain.history_json import load_history
from services.flare_detector.domain.parts_json import load_units
from services.flare_detector.domain.rules import Rules
from services.flare_detector.domain.tiers import WHOLE_BELOW, NeedsWholeHistory, parts_needed
from services.flare_detector.domain.tiers_apply import apply_to_summary
from tests.factories.flare_sim import (
    SimConfig,
    SimEvent,
    arrival_order,
    pain_event,
    quiz_event,
    simulate_user,
)
from tests.unit.flare_detector.helpers import TieredStore, state

RULES = Rules()


def compare(
    events: list[SimEvent],
    check_every: int = 1,
    store: TieredStore | None = None,
    before: Callable[[int, TieredStore], None] | None = None,
) -> TieredStore:
    reference, store = History(), store or TieredStore()
    for i, event in enumerate(events):
        if before is not None:
            before(i, store)  # e.g. the stored rows rewritten as an older version kept them
        expected = ingest(reference, event, RULES)
        (got,) = store.apply([event])
        assert [(d.key, d.at, d.evidence) for d in got.removals] == [
            (d.key, d.at, d.evidence) for d in expected.removals
        ], i
        assert got.flares == expected.flares, i
        if i % check_every == 0 or i == len(events) - 1:
            assert state(store.assembled()) == state(reference), i
    return store


KINDS: dict[str, dict[str, object]] = {
    "default": {},
    "daily": {"gap_days": (1, 1)},
    "no-quiz": {"send_quiz": False, "calm_levels": (3, 4), "flare_levels": (6, 8)},
    "rule-one": {"rule_one": 0.08},
}


def three_months(kind: str, seed: int) -> list[SimEvent]:
    cfg = replace(SimConfig(days=90), **KINDS[kind])  # type: ignore[arg-type]
    user = simulate_user(seed, trigger="hip-hinge" if seed % 2 else None, config=cfg)
    return list(user.events)


@pytest.mark.parametrize("kind", list(KINDS))
def test_in_event_order_the_summary_decides_as_the_whole_history(kind: str) -> None:
    events = three_months(kind, 11)
    store = compare(events)
    # The point of it: most events touched the summary alone, days went to parts, some
    # were read for a lookback and the retention dropped the oldest.
    assert store.windowed > 0.9 * len(events), (store.windowed, store.whole)
    assert store.parts and store.loaded and store.dropped


@pytest.mark.parametrize("seed", [3, 4])
def test_within_the_lateness_and_with_duplicates_too(seed: int) -> None:
    events = three_months("default", seed)
    arrived = arrival_order(events, random.Random(seed), lateness_h=RULES.allowed_lateness_h)
    store = compare(arrived, check_every=7)
    assert store.windowed > 0.8 * len(arrived)


def test_records_later_than_the_lateness_and_a_new_quiz_take_the_whole_history() -> None:
    events = three_months("default", 5)
    rng = random.Random(5)
    # Hold back a few records by a week (later than the 48 h allowed) and add a second quiz
    # half way: each of those is applied to the whole history.
    held = sorted(rng.sample(range(20, len(events) - 40), 6))
    late = [events[i] for i in held]
    order = [e for i, e in enumerate(events) if i not in held]
    for k, event in enumerate(late):
        at = next(
            i for i, e in enumerate(order) if e.occurred_at > event.occurred_at + timedelta(days=7)
        )
        order.insert(at + k, event)
    middle = order[len(order) // 2]
    order.insert(
        len(order) // 2,
        quiz_event(middle.tenant_id, middle.user_id, middle.occurred_at, back_pain=5, leg_pain=4),
    )
    store = compare(order, check_every=5)
    assert store.whole >= 7


def test_a_new_version_of_a_record_kept_in_a_part_is_applied_to_the_whole_history() -> None:
    events = three_months("default", 7)
    old = next(e for e in events[:100] if e.event_type == "pain-logged")
    later = old.model_copy(update={"observed_at": events[199].occurred_at, "level": 9})
    store = compare(events[:200])
    summary = load_history(store.summary)
    assert summary.cold is not None and summary.cold.holds(old.log_id)
    needed = parts_needed(summary, [record_of(later)], RULES, None)
    assert needed is not None  # at or after the watermark: tried on the summary ...
    units = {k: load_units(store.units[k]) for k in needed}
    with pytest.raises(NeedsWholeHistory):  # ... which refuses it
        apply_to_summary(summary, units, [later], RULES, None, 0)
    # and through the two tiers it decides as the whole history does.
    whole, written = store.whole, store.written
    compare([*events[:200], later], check_every=50, store=TieredStore())
    store.apply([later])
    assert store.whole == whole + 1
    # The stored version is kept (its canonical form is the smaller: a lower level), so
    # the whole path changed no part and rewrote none (it used to rewrite every one).
    assert len(store.parts) > 20 and store.written == written


@pytest.mark.parametrize("kind", ["default", "daily"])
def test_a_checkpoint_counts_the_same_units_from_the_parts_as_from_the_records(kind: str) -> None:
    """What a checkpoint judges (`units_at`) at every hour of the days ahead: the summary's
    counts, plus the units of the days the lookback starts in, equal the whole history's."""
    store = compare(three_months(kind, 13), check_every=50)
    whole = store.assembled()
    summary = load_history(store.summary)
    assert summary.cold is not None and summary.latest is not None
    summary.cold.loaded = {k: load_units(v) for k, v in store.units.items()}
    mark = summary.latest - RULES.lateness
    checked = 0
    for hour in range(0, 24 * 4, 1):
        checkpoint = mark + timedelta(hours=hour, minutes=7)
        got = units_at(summary, RULES, checkpoint)
        assert got == units_at(whole, RULES, checkpoint), hour
        checked += sum(t.count for t in got)
    assert checked
    # Without the parts, a lookback that starts inside a day (or leaves one behind) cannot
    # be counted: the event goes to the whole history.
    fresh = load_history(store.summary)
    assert fresh.cold is not None
    with pytest.raises(NeedsWholeHistory):
        for hour in range(0, 24 * 4, 1):
            units_at(fresh, RULES, mark + timedelta(hours=hour, minutes=7))


def test_a_short_history_stays_one_row_until_it_reaches_the_size_where_parts_pay() -> None:
    events = three_months("default", 17)
    store = TieredStore(whole_below=WHOLE_BELOW)
    reference = History()
    whole_until = None
    for i, event in enumerate(events):
        ingest(reference, event, RULES)
        store.apply([event])
        if store.parts and whole_until is None:
            whole_until = i
            kept = len(reference.sessions) + len(reference.observations)
            assert kept >= WHOLE_BELOW
        if whole_until is None:
            assert load_history(store.summary).cold is None
    assert whole_until is not None and whole_until > 30
    assert state(store.assembled()) == state(reference)
    # Equal to the reference all along, through the switch to parts.
    compare(events, check_every=9, store=TieredStore(whole_below=WHOLE_BELOW))


def test_other_rules_take_the_whole_history_once_and_split_it_again_under_them() -> None:
    """What the summary keeps, its edges and totals follow from the rules: after a setting
    changes (a longer baseline here) the next event is applied to the whole history, and
    from then on the tiers decide as the whole history does under the new rules."""
    events = three_months("default", 19)
    longer = replace(RULES, baseline_days=21, lookback_days=35)
    reference, store = History(), TieredStore()
    half = len(events) // 2
    for i, event in enumerate(events):
        rules = RULES if i < half else longer
        store.rules = rules
        expected = ingest(reference, event, rules)
        whole = store.whole
        (got,) = store.apply([event])
        if i == half:
            assert store.whole == whole + 1  # the first event under the new rules
        assert [d.key for d in got.removals] == [d.key for d in expected.removals], i
        assert got.flares == expected.flares, i
    assert state(store.assembled()) == state(reference)
    assert store.windowed > 0.8 * len(events)


def test_a_part_with_no_informative_unit_is_not_read_and_the_summary_decides_the_same() -> None:
    """A user with a session every day has no rest morning: no morning part holds a unit a
    count reads, so none is read (the lookback that starts inside one adds nothing from it),
    and every event still decides as the whole history does."""
    store = compare(three_months("daily", 23), check_every=10)
    assert store.windowed > 0.9 * (store.windowed + store.whole)
    summary = load_history(store.summary)
    assert summary.cold is not None and summary.latest is not None
    empty = {k for k, entry in summary.cold.parts.items() if informative_count(entry) == 0}
    mornings = {k for k in summary.cold.parts if k[1] == MORNINGS}
    assert mornings and mornings <= empty
    # The next lookback starts inside a morning part: it is not read, and not needed.
    assert (summary.cold.edges[MORNINGS], MORNINGS) in empty
    later = pain_event("tn", "u", "later", summary.latest + timedelta(hours=24), 2, "next_morning")
    needed = parts_needed(summary, [record_of(later)], RULES, None)
    assert needed is not None and not set(needed) & empty
    units = {k: load_units(store.units[k]) for k in needed}
    apply_to_summary(summary, units, [later], RULES, None, 0)  # does not need the whole


def test_a_summary_stored_before_parts_had_a_unit_count_reads_them_as_before() -> None:
    """An entry written without the count of informative units is read whenever a count may
    need it (as before the count was kept); the decisions are the whole history's."""
    events = three_months("daily", 29)
    needed: list[object] = []

    def as_stored_before(i: int, store: TieredStore) -> None:
        if i != len(events) // 2:
            return
        for entry in store.summary["cold"]["parts"]:
            del entry[INFORMATIVE_COUNT:]
        summary = load_history(store.summary)
        assert summary.cold is not None and summary.latest is not None
        later = pain_event("tn", "u", "l", summary.latest + timedelta(hours=24), 2, "next_morning")
        needed.extend(parts_needed(summary, [record_of(later)], RULES, None) or ())
        assert (summary.cold.edges[MORNINGS], MORNINGS) in needed

    store = compare(events, check_every=10, before=as_stored_before)
    assert needed and store.windowed > 0.9 * len(events)
