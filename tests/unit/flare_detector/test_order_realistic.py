"""Order independence on realistic histories: six weeks of simulated users of every kind
`make bench-flares` runs (tests/factories/flare_sim.py), each delivered in several orders
within the allowed lateness and with duplicates, give the same flares (notified once their
class is settled) and the same removals as the history fed in event-time order. Delayed
removals also carry the same evidence; a rule-one removal is made at once, on what has
arrived, so only its key (exercise, rule, severity) is the same."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.history import Decision, History
from services.flare_detector.domain.rules import Rules
from tests.factories.flare_sim import SimConfig, SimEvent, arrival_order, simulate_user

RULES = Rules()
KINDS: dict[str, dict[str, object]] = {
    "default": {},
    "noisy": {"background_flare": 0.12},
    "evening": {"trigger_window": "evening"},
    "daily": {"gap_days": (1, 1)},
    "higher-baseline": {"calm_levels": (3, 4), "flare_levels": (6, 8), "quiz_pain": (4, 4)},
    "sparse-logs": {"after_exercise_logs": False, "missing_morning": 0.2},
    "no-quiz": {"send_quiz": False, "calm_levels": (3, 4), "flare_levels": (6, 8)},
    "rule-one": {"rule_one": 0.08},
}
ORDERS = 3


def replay(events: list[SimEvent]) -> tuple[set[str], dict[tuple[str, str, str], Decision]]:
    """The flares notified and the removals emitted (first version of each), as the service
    emits them, event by event."""
    history, flares, removed = History(), set(), {}
    for event in events:
        step = ingest(history, event, RULES)
        flares.update(f.log_id for f in step.flares)
        for d in step.removals:
            removed.setdefault(d.key, d)
    return flares, removed


@pytest.mark.parametrize("kind", list(KINDS))
def test_realistic_histories_in_any_order_within_the_lateness_decide_the_same(kind: str) -> None:
    cfg = replace(SimConfig(), **KINDS[kind])  # type: ignore[arg-type]
    decided = 0
    for seed in range(4):
        user = simulate_user(
            700 + seed, trigger="hip-hinge" if seed % 2 else None, config=cfg, user_id=f"r{seed}"
        )
        flares, removed = replay(user.events)
        decided += bool(flares) + bool(removed)
        for k in range(ORDERS):
            rng = random.Random(f"{kind}-{seed}-{k}")
            arrived = arrival_order(user.events, rng, lateness_h=RULES.allowed_lateness_h)
            got_flares, got_removed = replay(arrived)
            assert got_flares == flares, (seed, k, sorted(got_flares ^ flares))
            assert set(got_removed) == set(removed), (seed, k, set(got_removed) ^ set(removed))
            for key, d in removed.items():
                if d.rule == "delayed":
                    assert got_removed[key].evidence == d.evidence, (seed, k, key)
                    assert got_removed[key].at == d.at
    assert decided >= 4  # the histories do lead to flares and removals
