"""The in-memory rate limit of the tenant API: a token bucket per key."""

from __future__ import annotations

import pytest

from shared.http.ratelimit import LocalRateLimit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_full_bucket_lets_a_burst_through_then_refills_over_the_period() -> None:
    clock = Clock()
    limit = LocalRateLimit("4/second", clock=clock)
    assert [limit.hit("k") for _ in range(4)] == [0.0] * 4
    assert limit.hit("k") == pytest.approx(0.25)
    clock.now += 0.1
    assert limit.hit("k") == pytest.approx(0.15)  # a refusal takes nothing from the bucket
    clock.now += 0.15
    assert limit.hit("k") == 0.0  # one has come back
    assert limit.hit("k") == pytest.approx(0.25)
    clock.now += 10
    assert [limit.hit("k") for _ in range(4)] == [0.0] * 4  # full again, not more than full
    assert limit.hit("k") > 0


def test_keys_have_buckets_of_their_own() -> None:
    limit = LocalRateLimit("1/minute", clock=Clock())
    assert limit.hit("a") == 0.0
    assert limit.hit("a") == pytest.approx(60)
    assert limit.hit("b") == 0.0


def test_keys_idle_for_a_period_are_forgotten() -> None:
    """Memory follows the keys active within one period, whatever passed before."""
    clock = Clock()
    limit = LocalRateLimit("10/second", clock=clock)
    for i in range(5000):
        limit.hit(f"address-{i}")
        clock.now += 0.001
    assert len(limit) < 2100  # a second's worth at most, and the last tidy-up's
    clock.now += 2
    for i in range(1100):
        limit.hit(f"late-{i}")
    assert len(limit) <= 1100  # only the late ones are left: the others were forgotten
