"""The stored form of a history: a round trip keeps everything, and saving after one event
formats only what the event changed (the rest is the stored form as loaded)."""

from __future__ import annotations

from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.history import History
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
    before = {s["session_id"]: s for s in data["sessions"]}
    assert all(s is before[s["session_id"]] for s in saved["sessions"])
    old_logs = {o["log_id"]: o for o in data["observations"]}
    new = [o for o in saved["observations"] if o["log_id"] not in old_logs]
    assert [o["log_id"] for o in new] == ["m30"]
    assert all(o is old_logs[o["log_id"]] for o in saved["observations"] if o not in new)
