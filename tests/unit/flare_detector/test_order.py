"""Order and repetition do not matter: the same set of events, delivered in random orders
(each within the allowed lateness), with duplicates re-sent under new event ids, leads to
the same removals; and any order at all leads to the same final replay."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.flare_detector.domain.rules import Rules
from tests.factories.flare_sim import arrival_order, simulate_user
from tests.unit.flare_detector.helpers import feed

RULES = Rules()
# Users whose in-order histories lead to removals (and some that lead to none).
USERS = {seed: simulate_user(seed, trigger="hip-hinge" if seed % 3 else None) for seed in range(6)}
IN_ORDER = {seed: feed(u.events, RULES)[1] for seed, u in USERS.items()}


def test_the_chosen_users_do_lead_to_removals() -> None:
    assert sum(bool(r) for r in IN_ORDER.values()) >= 3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(sorted(USERS)), shuffle=st.integers(0, 2**32 - 1))
def test_late_and_repeated_deliveries_within_the_lateness_make_the_same_removals(
    seed: int, shuffle: int
) -> None:
    rng = random.Random(shuffle)
    arrived = arrival_order(USERS[seed].events, rng, lateness_h=RULES.allowed_lateness_h)
    assert len(arrived) > len(USERS[seed].events)  # some were sent twice
    _, removed = feed(arrived, RULES)
    assert set(removed) == set(IN_ORDER[seed])
    # The evidence of each removal is the same too: it was decided on the same records.
    for key, decision in removed.items():
        assert decision.evidence == IN_ORDER[seed][key].evidence


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(sorted(USERS)), shuffle=st.integers(0, 2**32 - 1))
def test_any_order_ends_in_the_same_replay_as_the_in_order_one(seed: int, shuffle: int) -> None:
    """Beyond the lateness a removal already emitted cannot be taken back, but the replay
    recomputes whatever a too-late record changes: it ends where the in-order one does."""
    events = list(USERS[seed].events)
    random.Random(shuffle).shuffle(events)
    shuffled, _ = feed(events, RULES)
    ordered, _ = feed(USERS[seed].events, RULES)
    assert [(d.key, d.at) for d in shuffled.replay] == [(d.key, d.at) for d in ordered.replay]
