"""The stored form of a history: a round trip keeps everything, and saving after one event
formats only what the event changed (the rest is the stored form as loaded)."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime

from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.evidence import DecisionEvidence
from services.flare_detector.domain.history import History
from services.flare_detector.domain.history_json import (
    dump_evidence,
    dump_history,
    load_evidence,
    load_history,
)
from services.flare_detector.domain.records import as_values
from services.flare_detector.domain.rules import Rules
from shared.events.flares import RemovalEvidence
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
    data = dump_history(history)
    loaded = load_history(data)
    assert loaded == history
    assert dump_history(loaded) == data


def test_saving_after_one_event_reuses_the_stored_form_of_what_it_left_alone() -> None:
    data = dump_history(_weeks())
    loaded = load_history(data)
    fresh = load_history(data)
    fresh.stored.clear()  # formats everything anew
    for h in (loaded, fresh):
        ingest(h, morning(30, 6), Rules())
    saved = dump_history(loaded)
    assert saved == dump_history(fresh)
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
        "replay": dump_history(load_history(dump_history(history)))["replay"],
        "closed": {},
    }
    loaded = load_history(old)
    assert loaded.sessions == history.sessions
    assert loaded.observations == history.observations
    assert loaded.settled == history.settled
    assert loaded.units == {}
    ingest(history, morning(30, 1), Rules())
    ingest(loaded, morning(30, 1), Rules())
    assert loaded == history


def _delayed_evidence() -> DecisionEvidence:
    plan = {
        n: (["hip-hinge", "clamshell"] if n % 4 == 1 else ["clamshell", "bird-dog"])
        for n in range(1, 28, 2)
    }
    events = []
    for n in range(1, 29):
        events.append(morning(n, 7 if (n - 1) in plan and (n - 1) % 4 == 1 else 1))
        if n in plan:
            events.append(session(n, plan[n]))
    _, removed = feed(events)
    return removed["hip-hinge", "delayed", "suspected"].evidence


def test_a_removals_evidence_is_typed_and_round_trips_through_its_stored_form() -> None:
    evidence = _delayed_evidence()
    assert isinstance(evidence, DecisionEvidence) and isinstance(evidence.checkpoint, datetime)
    stored = dump_evidence(evidence)
    assert json.loads(json.dumps(stored)) == stored  # plain JSON values
    assert load_evidence(stored) == evidence
    # The event's model is the same fields, read from the domain's evidence as it is.
    event = RemovalEvidence.model_validate(evidence, from_attributes=True)
    assert set(RemovalEvidence.model_fields) == {f.name for f in fields(DecisionEvidence)}
    assert event == RemovalEvidence.model_validate(stored)
    assert event.checkpoint == evidence.checkpoint and event.windows == evidence.windows


def test_evidence_stored_in_the_older_form_loads_with_defaults_for_newer_fields() -> None:
    # A rule-one removal as replays stored it before the evidence was typed: a dict of the
    # fields it had, lists for tuples.
    old = {
        "exposures": 1,
        "flares_after": 0,
        "flares_without": 0,
        "sessions_without": 0,
        "windows": ["during"],
        "statistic": "rule_one",
        "report_ids": ["session:s1:bird-dog"],
        "note": "burning",
    }
    loaded = load_evidence(old)
    assert loaded.report_ids == ("session:s1:bird-dog",) and loaded.windows == ("during",)
    assert loaded.checkpoint is None and loaded.rest_mornings == 0
    delayed = dump_evidence(_delayed_evidence())
    assert isinstance(delayed["checkpoint"], str)
    assert load_evidence(delayed).checkpoint == datetime.fromisoformat(delayed["checkpoint"])
