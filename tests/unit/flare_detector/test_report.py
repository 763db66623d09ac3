"""What `GET /v1/users/{user_id}/flares` reports (domain/report.py): each flare with the
sessions whose windows it fell in, as the attribution linked them, in event time."""

from __future__ import annotations

from services.flare_detector.domain.report import describe_flares
from services.flare_detector.domain.rules import Rules
from tests.unit.flare_detector.helpers import evening_after_todays_session, feed, morning, session


def test_the_flares_report_links_a_flare_only_to_the_sessions_the_attribution_used() -> None:
    # As in test_an_evening_after_todays_session_is_todays_not_yesterdays: e2 is s2's only.
    # The report must not list s1 for it, nor attribute it to s1's bird-dog.
    history, _ = feed(evening_after_todays_session())
    report = describe_flares(history, Rules(), [("bird-dog", "delayed", "suspected")])
    e2 = next(f for f in report.flares if f.log_id == "e2")
    assert [s.session_id for s in e2.after_sessions] == ["s2"]
    assert e2.attributed_to == ()


def test_the_flares_report_lists_the_flares_in_event_time_by_observed_at_then_log_id() -> None:
    events = []
    for n in range(1, 22, 2):
        events.append(session(n, ["bird-dog"]))
        events.append(morning(n + 1, 8 if n % 4 == 1 else 1))
    history, _ = feed(events)
    flares = describe_flares(history, Rules(), []).flares
    assert len(flares) >= 3
    assert [(f.observed_at, f.log_id) for f in flares] == sorted(
        (f.observed_at, f.log_id) for f in flares
    )
