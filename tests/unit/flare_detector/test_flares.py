"""Baseline and flare classification (DOMAIN.md section 4), on the pure domain."""

from __future__ import annotations

from services.flare_detector.domain.flares import classify
from services.flare_detector.domain.rules import Rules
from shared.events.painlog import MorningContext
from tests.factories.flare_sim import quiz_event
from tests.unit.flare_detector.helpers import T, U, day, feed, morning


def classes(events: list) -> dict:
    history, _ = feed(events)
    return classify(history, Rules())


def test_before_three_mornings_the_quizs_pain_is_the_baseline() -> None:
    quiz = quiz_event(T, U, day(0), back_pain=4, leg_pain=5)  # baseline 5
    c = classes([quiz, morning(1, 6), morning(2, 7)])
    assert c["m1"].baseline == 5 and not c["m1"].flare  # 6 < 5 + 2
    assert c["m2"].flare  # 7 >= 5 + 2 and >= 3


def test_the_baseline_is_the_median_of_recent_calm_mornings() -> None:
    quiz = quiz_event(T, U, day(0), back_pain=6, leg_pain=6)
    events = [quiz, morning(1, 1), morning(2, 2), morning(3, 1), morning(4, 2), morning(5, 4)]
    c = classes(events)
    assert c["m3"].baseline == 6  # two mornings only: still the quiz's pain
    assert c["m4"].baseline == 1 and not c["m4"].flare
    assert c["m5"].baseline == 1.5 and c["m5"].flare


def test_a_flare_needs_at_least_three_out_of_ten() -> None:
    c = classes([morning(1, 0), morning(2, 0), morning(3, 0), morning(4, 2), morning(5, 3)])
    assert not c["m4"].flare and c["m5"].flare


def test_pain_reaching_further_down_the_leg_than_usual_is_a_flare_whatever_its_level() -> None:
    quiz = quiz_event(T, U, day(0), pain_below_knee=False, leg_pain=3)  # usually to the knee
    c = classes([quiz, morning(1, 2, locations=("thigh",)), morning(2, 2, locations=("calf",))])
    assert not c["m1"].flare
    assert c["m2"].flare and c["m2"].spread


def test_a_flare_inside_an_ongoing_flare_is_not_new() -> None:
    events = [morning(1, 1), morning(2, 1), morning(3, 1), morning(4, 6), morning(5, 6)]
    events += [morning(6, 1), morning(7, 6)]
    c = classes(events)
    assert c["m4"].new and c["m5"].flare and not c["m5"].new
    assert c["m7"].new  # pain came back down on day 6 in between


def test_lifting_or_long_sitting_the_day_before_is_kept_as_a_confounder() -> None:
    lifted = MorningContext(heavy_lifting=True)
    sat = MorningContext(hours_sat=10)
    events = [morning(1, 1), morning(2, 1), morning(3, 1), morning(4, 6, morning=lifted)]
    events += [morning(5, 1), morning(6, 6, morning=sat)]
    c = classes(events)
    assert c["m4"].confounders == ("heavy_lifting",)
    assert c["m6"].confounders == ("sitting",)


def test_without_a_quiz_everyday_pain_of_three_or_four_becomes_the_baseline() -> None:
    # No quiz (a tenant may log pain without one): the default baseline of 1 would make every
    # morning at 3-4 a flare and never leave a calm one to learn from.
    levels = [3, 4, 3, 4, 3, 7]
    c = classes([morning(n, level) for n, level in enumerate(levels, start=1)])
    assert c["m2"].baseline == 3 and not c["m2"].flare  # the mornings so far, flare or not
    assert not any(c[f"m{n}"].flare for n in range(2, 6))
    assert c["m5"].baseline == 4  # three calm mornings (m2-m4): their median
    assert c["m6"].flare and c["m6"].new
