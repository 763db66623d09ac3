"""The stored form of a history: a round trip keeps everything, and saving after one event
formats only what the event changed (the rest is the stored form as loaded)."""

from __future__ import annotations

from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.history import History, as_values
from services.flare_detector.domain.rules import Rules
from tests.unit.flare_detector.helpers import feed, morning, session


def _weeks() -> History:
    events = []
    for n in range(21):
        if n % 2 == 0:
            events.append(session(n, ["bird-dog", "glute-bridge"] if n % 4 else ["hip-hinge"]))
        events.append(morning(n + 1, 5 if n % 4 == 0 else 1))
    history, _ = feed(events)
    return history


def test_a_stored_history_loads_to_the_same_history_and_form() -> None:
    history = _weeks()
    assert history.units and history.settled and history.replay
    data = history.to_json()
    loaded = History.from_json(data)
    assert loaded == history
    assert loaded.to_json() == data


def test_saving_after_one_event_reuses_the_stored_form_of_what_it_left_alone() -> None:
    data = _weeks().to_json()
    loaded = History.from_json(data)
    fresh = History.from_json(data)
    fresh.stored.clear()  # formats everything anew
    for h in (loaded, fresh):
        ingest(h, morning(30, 6), Rules())
    saved = loaded.to_json()
    assert saved == fresh.to_json()
    before = {s[0]: s for s in data["sessions"]}  # [session_id, ...]
    assert all(s is before[s[0]] for s in saved["sessions"])
    old_logs = {o[0]: o for o in data["observations"]}  # [log_id, ...]
    new = [o for o in saved["observations"] if o[0] not in old_logs]
    assert [o[0] for o in new] == ["m30"]
    assert all(o is old_logs[o[0]] for o in saved["observations"] if o not in new)


def test_a_row_in_the_older_form_loads_and_its_outcomes_are_judged_again() -> None:
    """One object per record and class, and closed outcomes with their links (before units):
    the records and classes load as they were; the units are judged again on the next event,
    to the same outcomes."""
    history = _weeks()
    old = {
        "sessions": [as_values(s) for s in history.sessions.values()],
        "observations": [as_values(o) for o in history.observations.values()],
        "quizzes": [as_values(q) for q in history.quizzes.values()],
        "latest": history.latest.isoformat() if history.latest else None,
        "last_checkpoint": history.last_checkpoint.isoformat() if history.last_checkpoint else None,
        "settled": {
            k: {
                "flare": v.flare,
                "baseline": v.baseline,
                "spread": v.spread,
                "new": v.new,
                "confounders": list(v.confounders),
            }
            for k, v in history.settled.items()
        },
        "replay": History.from_json(history.to_json()).to_json()["replay"],
        "closed": {},
    }
    loaded = History.from_json(old)
    assert loaded.sessions == history.sessions
    assert loaded.observations == history.observations
    assert loaded.settled == history.settled
    assert loaded.units == {}
    ingest(history, morning(30, 1), Rules())
    ingest(loaded, morning(30, 1), Rules())
    assert loaded == history
