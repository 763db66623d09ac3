"""Linking sessions to the observations in their windows (domain/attribution.py, DOMAIN.md
section 4): a log naming its own session is not another session's evidence, and a morning
belongs to the latest session that holds it in a window."""

from __future__ import annotations

from services.flare_detector.domain.attribution import outcomes
from services.flare_detector.domain.flares import classify
from services.flare_detector.domain.rules import Rules
from tests.factories.flare_sim import pain_event, quiz_event
from tests.unit.flare_detector.helpers import T, U, day, event_time, feed, morning, session


def _yesterday_blamed_for_todays_exercise_pain() -> list:
    """bird-dog on day n at 18:00, every next morning calm. dead-bug on day n+1 at 12:00 hurts
    while it is done: its after-exercise log (6/10, naming dead-bug and session s{n+1}) lies
    18 h after bird-dog's session, inside bird-dog's 12-36 h window."""
    events: list = [quiz_event(T, U, day(0), back_pain=1, leg_pain=1)]
    events += [morning(n, 1) for n in range(1, 31)]
    for n in range(1, 29, 4):
        events.append(session(n, ["bird-dog", "cat-camel"]))
        events.append(session(n + 1, ["dead-bug", "cat-camel"], hour=12))
        events.append(
            pain_event(
                T,
                U,
                f"a{n + 1}",
                day(n + 1, 12.7),
                6,
                "after_exercise",
                exercise_id="dead-bug",
                session_id=f"s{n + 1}",
            )
        )
    return sorted(events, key=event_time)


def test_pain_during_todays_exercise_is_not_a_flare_after_yesterdays_session() -> None:
    events = _yesterday_blamed_for_todays_exercise_pain()
    history, removed = feed(events)
    rules = Rules()
    found = outcomes(history, classify(history, rules), rules, day(40))
    s1 = next(o for o in found if o.session.session_id == "s1")
    # The log names its own session (s2) and exercise: it is not evidence about s1.
    assert "a2" not in [link.log_id for link in s1.links]
    assert s1.outcome == "calm"  # its next morning (m2) was 1/10
    # Every morning after bird-dog was calm: it must not be removed.
    assert not any(k[0] == "bird-dog" for k in removed)


def test_a_morning_in_the_window_of_a_session_in_between_is_not_the_earlier_sessions() -> None:
    # s1 06:40 bird-dog, s2 18:40 hip-hinge, s3 05:40 next day (clamshell), morning 07:30
    # flares. The morning lies in s2's 12-36 h window (12.8 h); s2 was done between s1 and the
    # morning, so the morning is s2's only (docs: "belongs to that later session only"). s3
    # is the last session before it but holds it in no window (1.8 h).
    events = [
        quiz_event(T, U, day(0), back_pain=1, leg_pain=1),
        morning(1, 1),
        session(1, ["bird-dog"], hour=6),
        session(2, ["hip-hinge"], hour=-6),
        session(3, ["clamshell"], hour=-19),
        morning(2, 7),
        morning(3, 1),
        morning(4, 1),
    ]
    history, _ = feed(events)
    rules = Rules()
    found = {
        o.session.session_id: o
        for o in outcomes(history, classify(history, rules), rules, day(10))
        if not o.rest
    }
    assert [link.log_id for link in found["s2"].links] == ["m2"]
    assert "m2" not in [link.log_id for link in found["s1"].links]
