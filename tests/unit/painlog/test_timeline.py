"""The timeline window and its order in event time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.painlog.domain.timeline import Entry, WindowError, in_event_time, resolve_window

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def test_window_defaults_to_the_last_28_days() -> None:
    window = resolve_window(None, None, NOW, 28)
    assert (window.start, window.end) == (NOW - timedelta(days=28), NOW)


def test_window_from_only_runs_to_now_and_to_only_looks_back() -> None:
    start = NOW - timedelta(days=3)
    assert resolve_window(start, None, NOW, 28).end == NOW
    end = NOW - timedelta(days=40)
    assert resolve_window(None, end, NOW, 28).start == end - timedelta(days=28)


def test_window_from_after_to_names_from() -> None:
    with pytest.raises(WindowError) as caught:
        resolve_window(NOW, NOW - timedelta(seconds=1), NOW, 28)
    assert caught.value.field == "from"


def test_a_window_longer_than_the_maximum_names_from() -> None:
    resolve_window(NOW - timedelta(days=400), NOW, NOW, 28, max_days=400)
    with pytest.raises(WindowError) as caught:
        resolve_window(NOW - timedelta(days=401), NOW, NOW, 28, max_days=400)
    assert caught.value.field == "from" and "400 days" in caught.value.message


def test_late_log_is_placed_by_when_it_was_felt() -> None:
    session = Entry("session", NOW - timedelta(days=2, hours=12), "s1")
    recent = Entry("pain", NOW - timedelta(hours=1), "recent")
    late_morning = Entry("pain", NOW - timedelta(days=2), "late")  # arrived last
    ordered, truncated = in_event_time([recent, session, late_morning], limit=10)
    assert [e.id for e in ordered] == ["s1", "late", "recent"]
    assert not truncated


def test_at_one_instant_the_session_comes_before_the_pain() -> None:
    ordered, _ = in_event_time([Entry("pain", NOW, "a"), Entry("session", NOW, "z")], 10)
    assert [e.kind for e in ordered] == ["session", "pain"]


@settings(max_examples=40, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=10_000), max_size=30),
    limit=st.integers(min_value=1, max_value=40),
    seed=st.randoms(use_true_random=False),
)
def test_timeline_is_the_earliest_entries_in_order_whatever_the_arrival_order(
    offsets: list[int], limit: int, seed: object
) -> None:
    entries = [
        Entry("pain" if i % 2 else "session", NOW + timedelta(minutes=m), f"e{i}")
        for i, m in enumerate(offsets)
    ]
    shuffled = list(entries)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    ordered, truncated = in_event_time(shuffled, limit)
    assert ordered == in_event_time(entries, limit)[0]
    assert [e.at for e in ordered] == sorted(e.at for e in entries)[:limit]
    assert truncated == (len(entries) > limit)
