"""Removals on the pure domain: rule one, delayed attribution, separation, confounders."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from services.flare_detector.domain import decisions
from services.flare_detector.domain.attribution import outcomes
from services.flare_detector.domain.decisions import _decide, decide_at
from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.exercise_evidence import fisher_one_sided, tally_counts
from services.flare_detector.domain.flares import classify
from services.flare_detector.domain.history import Decision, History
from services.flare_detector.domain.report import describe_flares
from services.flare_detector.domain.rules import Rules
from services.flare_detector.domain.separation import Unseparable
from shared.events.painlog import MorningContext
from tests.factories.flare_sim import (
    PLAN,
    SimEvent,
    arrival_order,
    pain_event,
    quiz_event,
    session_event,
)
from tests.unit.flare_detector.helpers import (
    T,
    U,
    day,
    evening_after_todays_session,
    feed,
    morning,
    session,
    state,
)


def test_fisher_exact_tail_matches_hand_computed_values() -> None:
    assert fisher_one_sided(3, 3, 0, 3) == pytest.approx(1 / 20)
    assert fisher_one_sided(2, 3, 0, 3) == pytest.approx(3 / 15 + 0)  # C(3,2)C(3,1)/C(6,3)
    assert fisher_one_sided(0, 4, 0, 4) == 1.0


@pytest.mark.parametrize("quality", ["burning", "shooting", "radiating"])
def test_burning_shooting_or_radiating_pain_removes_the_exercise_at_once(quality: str) -> None:
    _, removed = feed([session(1, ["bird-dog", "clamshell"], qualities={"bird-dog": (quality,)})])
    assert set(removed) == {("bird-dog", "immediate", "confirmed")}
    assert removed["bird-dog", "immediate", "confirmed"].evidence.report_ids == (
        "session:s1:bird-dog",
    )


def test_an_after_exercise_log_with_shooting_pain_removes_that_exercise() -> None:
    log = pain_event(
        T, U, "l1", day(1, 19), 5, "after_exercise", exercise_id="dead-bug", qualities=("shooting",)
    )
    _, removed = feed([log])
    assert set(removed) == {("dead-bug", "immediate", "confirmed")}


def test_pain_spreading_further_down_than_usual_during_an_exercise_removes_it() -> None:
    quiz = quiz_event(T, U, day(0), pain_below_knee=False)  # usually reaches the knee
    usual = session(1, ["bird-dog"], locations={"bird-dog": ("thigh",)})
    further = session(2, ["clamshell"], locations={"clamshell": ("calf", "foot")})
    _, removed = feed([quiz, usual, further])
    assert set(removed) == {("clamshell", "immediate", "confirmed")}


def test_ache_and_tingling_are_not_rule_one() -> None:
    _, removed = feed([session(1, ["bird-dog"], qualities={"bird-dog": ("ache", "tingling")})])
    assert removed == {}


def weeks(
    plan: dict[int, list[str]],
    flares_after: set[int],
    extra: list[SimEvent] = (),
    confounded: set[int] = frozenset(),
    days: int = 30,
) -> list[SimEvent]:
    """Sessions on the given days (18:00) and a morning log every day; the morning after a
    session in `flares_after` flares (7/10), every other morning is calm (1/10)."""
    events: list[SimEvent] = [quiz_event(T, U, day(0), back_pain=1, leg_pain=1)]
    for n in range(1, days + 1):
        flare = (n - 1) in flares_after
        context = MorningContext(heavy_lifting=True) if (n - 1) in confounded else None
        events.append(morning(n, 7 if flare else 1, morning=context))
        if n in plan:
            events.append(session(n, plan[n]))
    return sorted(events, key=_time) + list(extra)


def _time(e: SimEvent):  # type: ignore[no-untyped-def]
    return getattr(e, "completed_at", None) or getattr(e, "observed_at", None) or e.occurred_at


def test_an_exercise_followed_by_next_morning_flares_is_suspected_then_confirmed() -> None:
    plan = {
        n: (["hip-hinge", "clamshell"] if n % 4 == 1 else ["clamshell", "bird-dog"])
        for n in range(1, 28, 2)
    }
    trigger_days = {n for n, x in plan.items() if "hip-hinge" in x}
    _, removed = feed(weeks(plan, trigger_days))
    assert ("hip-hinge", "delayed", "suspected") in removed
    assert ("hip-hinge", "delayed", "confirmed") in removed
    assert {k[0] for k in removed} == {"hip-hinge"}
    ev = removed["hip-hinge", "delayed", "suspected"].evidence
    assert ev.flares_after >= 2 and ev.flares_without == 0
    assert ev.value <= ev.threshold == Rules().suspect_alpha


def test_exercises_together_in_every_flaring_session_are_not_all_blamed() -> None:
    # hip-hinge and dead-bug are done together before every flare, but dead-bug is also done
    # without hip-hinge, and then nothing follows: only hip-hinge is blamed.
    plan = {}
    for n in range(1, 29, 2):
        plan[n] = ["hip-hinge", "dead-bug"] if n % 4 == 1 else ["dead-bug", "clamshell"]
    trigger_days = {n for n, x in plan.items() if "hip-hinge" in x}
    _, removed = feed(weeks(plan, trigger_days))
    assert {k[0] for k in removed} == {"hip-hinge"}


def test_an_exercise_done_in_every_session_is_never_blamed_and_is_reported_unseparable() -> None:
    plan = {
        n: ["glute-bridge"] + (["clamshell"] if n % 4 == 1 else ["bird-dog"])
        for n in range(1, 29, 2)
    }
    flaring = set(plan)  # every session flares: only glute-bridge is common to all
    history, removed = feed(weeks(plan, flaring))
    assert not any(k[0] == "glute-bridge" for k in removed)
    report = describe_flares(history, Rules(), removed)
    assert Unseparable("glute-bridge", "done in every session") in report.cannot_be_separated


def test_flares_explained_by_lifting_the_day_before_do_not_blame_an_exercise() -> None:
    plan = {
        n: (["hip-hinge", "clamshell"] if n % 4 == 1 else ["clamshell", "bird-dog"])
        for n in range(1, 28, 2)
    }
    trigger_days = {n for n, x in plan.items() if "hip-hinge" in x}
    _, removed = feed(weeks(plan, trigger_days, confounded=trigger_days))
    assert removed == {}


def test_a_flare_inside_an_ongoing_flare_is_not_new_evidence() -> None:
    # A long flare from day 9 to day 20: sessions inside it are followed by "flares" that are
    # the same episode; only one new flare, so nothing can be blamed on it.
    plan = {n: ["hip-hinge", "clamshell"] if n % 4 == 1 else ["bird-dog"] for n in range(1, 28, 2)}
    flaring_days = set(range(8, 20))
    _, removed = feed(weeks(plan, flaring_days))
    assert removed == {}


def test_nothing_is_decided_about_a_session_before_its_windows_close_and_lateness_passes() -> None:
    plan = {
        n: (["hip-hinge", "clamshell"] if n % 4 == 1 else ["clamshell", "bird-dog"])
        for n in range(1, 28, 2)
    }
    trigger_days = {n for n, x in plan.items() if "hip-hinge" in x}
    events = weeks(plan, trigger_days)
    _, removed = feed(events)
    checkpoint = removed["hip-hinge", "delayed", "suspected"].at
    due = checkpoint + Rules().lateness  # the watermark passes the checkpoint here
    _, before = feed([e for e in events if _time(e) < due])
    assert ("hip-hinge", "delayed", "suspected") not in before
    _, after = feed([*(e for e in events if _time(e) < due), morning(99, 1)])
    assert ("hip-hinge", "delayed", "suspected") in after


def test_rest_mornings_count_as_the_control_when_few_sessions_go_without_the_exercise() -> None:
    # Sessions every third day, so the mornings in between follow no session (rest mornings,
    # all calm). hip-hinge is in every session but one, and every session with it flares: on
    # sessions alone (one without) that could be chance; the calm rest mornings say it is not.
    plan = {n: ["hip-hinge", "clamshell"] for n in range(1, 26, 3)}
    plan[10] = ["clamshell", "bird-dog"]
    trigger_days = {n for n, x in plan.items() if "hip-hinge" in x}
    events = weeks(plan, trigger_days)
    _, removed = feed(events)
    assert ("hip-hinge", "delayed", "suspected") in removed
    assert {k[0] for k in removed} == {"hip-hinge"}
    ev = removed["hip-hinge", "delayed", "suspected"].evidence
    assert ev.sessions_without == 1 and ev.rest_mornings >= 5 and ev.rest_flares == 0
    assert ev.posterior_share >= ev.min_share
    _, without_rest = feed(events, replace(Rules(), rest_mornings_as_control=False))
    assert not any(k[0] == "hip-hinge" for k in without_rest)


def test_a_client_clock_far_ahead_does_not_close_the_windows_early() -> None:
    # A log stamped weeks ahead of the moment it is handled moves the watermark no further
    # than the allowed skew: the sessions' windows stay open and nothing is decided yet.
    plan = {
        n: (["hip-hinge", "clamshell"] if n % 4 == 1 else ["clamshell", "bird-dog"])
        for n in range(1, 28, 2)
    }
    trigger_days = {n for n, x in plan.items() if "hip-hinge" in x}
    events = weeks(plan, trigger_days, days=12)
    future = morning(60, 1)
    rules = Rules()
    trusting, guarded = History(), History()
    before: set[tuple[str, str, str]] = set()
    for e in events:
        before |= {d.key for d in ingest(trusting, e, rules).removals}
        ingest(guarded, e, rules, now=_time(e))
    handled_at = _time(events[-1])
    trusted = {d.key for d in ingest(trusting, future, rules).removals}
    kept = {d.key for d in ingest(guarded, future, rules, now=handled_at).removals}
    assert trusted - before  # trusting the stamp, the watermark jumped and decisions came
    assert kept == before
    assert guarded.latest is not None
    assert guarded.latest <= handled_at + timedelta(hours=rules.max_clock_skew_h)


def test_an_evening_after_todays_session_is_todays_not_yesterdays() -> None:
    # Yesterday 18:00 bird-dog, today 12:00 hip-hinge, tonight 21:00 a flare: it lies in
    # yesterday's 12-36 h window too, but the session in between owns it.
    history, _ = feed(evening_after_todays_session())
    rules = Rules()
    found = outcomes(history, classify(history, rules), rules, day(10))
    by_session = {o.session.session_id: o for o in found if not o.rest}
    assert by_session["s2"].outcome == "flare"
    assert [link.log_id for link in by_session["s2"].links] == ["e2", "m3"]
    assert "e2" not in [link.log_id for link in by_session["s1"].links]
    assert by_session["s1"].outcome == "calm"


def test_an_exercise_that_aches_while_done_and_flares_the_next_morning_is_still_caught() -> None:
    # hip-hinge aches at 6/10 right after it is done (no rule-one quality), and the next
    # morning flares: the ache is about the exercise, not the start of an episode, so the
    # morning flare is new evidence.
    plan = {
        n: (["hip-hinge", "clamshell"] if n % 4 == 1 else ["clamshell", "bird-dog"])
        for n in range(1, 28, 2)
    }
    trigger_days = {n for n, x in plan.items() if "hip-hinge" in x}
    aches = [
        pain_event(
            T,
            U,
            f"a{n}",
            day(n, 18.5),
            6,
            "after_exercise",
            exercise_id="hip-hinge",
            session_id=f"s{n}",
            qualities=("ache",),
        )
        for n in trigger_days
    ]
    events = sorted(weeks(plan, trigger_days) + aches, key=_time)
    _, removed = feed(events)
    assert ("hip-hinge", "delayed", "suspected") in removed
    assert {k[0] for k in removed} == {"hip-hinge"}


TALLY = st.tuples(
    st.frozensets(st.sampled_from(("a", "b", "c", "d")), min_size=1),
    st.sampled_from(("flare", "confounded", "calm", "in_flare", "unobserved")),
    st.booleans(),  # a rest morning (no exercises)
    st.integers(1, 6),
)
LOOSE = replace(
    Rules(),
    suspect_min_flares=1,
    confirm_min_flares=2,
    suspect_margin=0.1,
    suspect_alpha=0.5,
    confirm_alpha=0.3,
    suspect_min_share=0.2,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(TALLY, max_size=12),
    st.lists(st.sampled_from(("a", "b", "c", "d")), max_size=3, unique=True),
    st.lists(st.sampled_from(("a", "b", "c", "d")), max_size=2, unique=True),
    st.sampled_from([Rules(), LOOSE]),
)
# Just enough flares: "a" is suspected (2 flares after it, none in 5 sessions without it).
@example([(frozenset("a"), "flare", False, 2), (frozenset("b"), "calm", False, 5)], [], [], Rules())
@example([(frozenset("a"), "flare", False, 1), (frozenset("b"), "calm", False, 3)], [], [], LOOSE)
def test_a_checkpoint_with_too_few_flares_to_blame_decides_as_judging_every_exercise(
    units: list[tuple[frozenset[str], str, bool, int]],
    suspected: list[str],
    immediate: list[str],
    rules: Rules,
) -> None:
    """`decide_at` skips judging the exercises when no exercise has the flares a level
    needs: the same removals as judging every one (`_decide`), whatever the tallies, the
    earlier removals and the rules."""
    counts: Counter[tuple[tuple[str, ...], str, bool]] = Counter()
    for exercises, outcome, rest, n in units:
        counts[((), outcome, True) if rest else (tuple(sorted(exercises)), outcome, False)] += n
    sessions = tally_counts(counts)
    checkpoint = day(30)
    prior = [
        Decision(e, "delayed", "suspected", day(20), rank, {}) for rank, e in enumerate(suspected)
    ]
    fixed = [Decision(e, "immediate", "confirmed", day(10), -1, {}) for e in immediate]
    assert decide_at(checkpoint, sessions, prior, fixed, rules) == _decide(
        checkpoint, sessions, prior, fixed, rules
    )


def several_a_day(
    seed: int, trigger: str | None, days: int = 40, per_day: int = 4
) -> list[SimEvent]:
    """A user with `per_day` sessions a day (each a random part of the plan) and a morning
    log a day, which flares (0.85) after a day whose last session had the trigger, else now
    and then (0.1): several checkpoints close at once, some with enough flares to blame."""
    rng = random.Random(seed)
    events: list[SimEvent] = [quiz_event(T, U, day(0), back_pain=1, leg_pain=1)]
    for n in range(1, days):
        for k in range(per_day):
            exercises = [e for e in PLAN if rng.random() < 0.4] or [PLAN[k]]
            events.append(session_event(T, U, f"s{n}-{k}", day(n, 8 + 3 * k), exercises))
        flares = rng.random() < (0.85 if trigger in exercises else 0.1)
        events.append(morning(n + 1, rng.randint(6, 7) if flares else rng.randint(1, 2)))
    return events


@pytest.mark.parametrize(
    ("seed", "trigger", "order"),
    [
        (1, "hip-hinge", "in time"),
        (2, "hip-hinge", "within the lateness"),
        (3, "hip-hinge", "last first"),
        (4, None, "within the lateness"),
    ],
)
def test_checkpoints_due_together_that_none_can_blame_decide_as_each_judged_alone(
    seed: int, trigger: str | None, order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several checkpoints closed by one event are passed over at once when their lookbacks'
    units together have too few flares to blame any exercise (`none_can_blame`): the same
    removals, flares and state, event by event, as judging each checkpoint. Delivered late,
    one event closes many checkpoints at once (last first: the first event's watermark is
    past most of them, and each older record makes every later one due again)."""
    events = several_a_day(seed, trigger)
    rules = Rules()
    if order == "within the lateness":
        events = arrival_order(events, random.Random(seed), lateness_h=rules.allowed_lateness_h)
    elif order == "last first":
        events = events[::-1]
    fast, slow = History(), History()
    passed_over = 0
    taken = decisions.none_can_blame

    def counted(history: History, rules: Rules, due: list[object]) -> bool:
        nonlocal passed_over
        found = taken(history, rules, due)  # type: ignore[arg-type]
        passed_over += found
        return found

    for i, event in enumerate(events):
        monkeypatch.setattr(decisions, "none_can_blame", counted)
        got = ingest(fast, event, rules)
        monkeypatch.setattr(decisions, "none_can_blame", lambda *_: False)
        expected = ingest(slow, event, rules)
        assert [(d.key, d.at, d.evidence) for d in got.removals] == [
            (d.key, d.at, d.evidence) for d in expected.removals
        ], i
        assert got.flares == expected.flares, i
    assert state(fast) == state(slow)
    assert passed_over > 0
    if trigger is not None:
        assert (trigger, "delayed", "confirmed") in {d.key for d in slow.replay}
