"""How an ordinary batch is sliced beside a priority lane."""

from __future__ import annotations

from shared.messaging.slices import FEWEST, FIRST_SLICE, SlicePacer


def test_a_first_slice_is_small_and_later_ones_fit_the_budget() -> None:
    pacer = SlicePacer(0.020, most=500)
    assert pacer.size() == FIRST_SLICE
    pacer.observe(FIRST_SLICE, FIRST_SLICE * 0.0002)  # 0.2 ms an event
    assert pacer.size() == 100


def test_slices_follow_the_cost_but_stay_within_their_bounds() -> None:
    pacer = SlicePacer(0.020, most=500)
    pacer.observe(10, 10 * 0.000_001)  # cheap events: the whole batch
    assert pacer.size() == 500
    for _ in range(30):
        pacer.observe(20, 20 * 0.010)  # 10 ms an event: never below the fewest
    assert pacer.size() == FEWEST
    assert SlicePacer(0.020, most=4).size() == 4


def test_an_empty_slice_teaches_nothing() -> None:
    pacer = SlicePacer(0.020, most=500)
    pacer.observe(0, 1.0)
    assert pacer.per_event_s is None
