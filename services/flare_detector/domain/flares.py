"""Baseline and flare classification of pain observations (DOMAIN.md section 4).

- Baseline: the median of the user's non-flare `next_morning` levels of the last
  `baseline_days` before the observation, when there are at least `baseline_min_mornings`;
  otherwise the quiz's pain (the larger of back and leg pain); otherwise (no quiz: a tenant
  may log pain without one) the median of the few calm mornings there are, else of every
  recent morning, flaring or not (a user whose everyday pain is 3-4 would otherwise have
  every morning judged a flare against the default, and never a calm one to learn from);
  otherwise `default_baseline`.
- Flare: level >= baseline + `flare_rise` and level >= `flare_min_level`, or pain reaching
  further down the leg than the quiz says it usually does.
- New or ongoing: a flare less than `episode_gap_h` after the previous flare, with no calmer
  (non-flare) report between them, continues that episode and is not new evidence.
- Confounded: a morning log reporting heavy lifting, long sitting or high stress the day
  before; the flare may be explained by that instead of an exercise.

Each observation is classified from the records before it in event time only, so its class
is a function of the set of records. Once an observation is behind the watermark its class
is settled (stored), which lets old records be pruned without changing newer classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from statistics import median

from services.flare_detector.domain.history import History, Settled
from services.flare_detector.domain.records import Observation, QuizSeed, in_time_order
from services.flare_detector.domain.rules import LOCATIONS, RULE_ONE_QUALITIES, Rules


def quiz_in_effect(quizzes: Iterable[QuizSeed], at: datetime) -> QuizSeed | None:
    """The latest quiz taken at or before `at`; before the first quiz, the first one (a
    client may back-fill sessions done before the quiz: that quiz still describes them)."""
    ordered = in_time_order(list(quizzes))
    before = [q for q in ordered if q.at <= at]
    if before:
        return before[-1]
    return ordered[0] if ordered else None


def spreads_further(locations: Iterable[str], quiz: QuizSeed | None) -> bool:
    """Pain reaching further down the leg than the quiz says it usually does. Without a quiz
    the usual extent is unknown and nothing is judged to spread."""
    if quiz is None:
        return False
    usual = LOCATIONS.index(quiz.extent)
    return any(LOCATIONS.index(loc) > usual for loc in locations)


def is_rule_one(qualities: Iterable[str], locations: Iterable[str], quiz: QuizSeed | None) -> bool:
    return bool(RULE_ONE_QUALITIES.intersection(qualities)) or spreads_further(locations, quiz)


def confounders(obs: Observation, rules: Rules) -> tuple[str, ...]:
    found = []
    if obs.heavy_lifting:
        found.append("heavy_lifting")
    if obs.hours_sat is not None and obs.hours_sat >= rules.confounder_hours_sat:
        found.append("sitting")
    if obs.stress is not None and obs.stress >= rules.confounder_stress:
        found.append("stress")
    return tuple(found)


def classify(history: History, rules: Rules) -> dict[str, Settled]:
    """Every kept observation's class, settled ones as stored, the others computed."""
    result: dict[str, Settled] = {}
    calm_mornings: list[Observation] = []  # non-flare next_morning logs, in time order
    mornings: list[Observation] = []  # every next_morning log, in time order
    last_flare: datetime | None = None
    last_calm: datetime | None = None
    quizzes = list(history.quizzes.values())
    window = timedelta(days=rules.baseline_days)
    gap = timedelta(hours=rules.episode_gap_h)
    for obs in in_time_order(list(history.observations.values())):
        settled = history.settled.get(obs.log_id)
        if settled is None:
            quiz = quiz_in_effect(quizzes, obs.at)
            recent = [m.level for m in calm_mornings if m.at >= obs.at - window]
            every = [m.level for m in mornings if m.at >= obs.at - window]
            baseline = _baseline(recent, every, quiz, rules)
            spread = spreads_further(obs.locations, quiz)
            flare = spread or (
                obs.level >= baseline + rules.flare_rise and obs.level >= rules.flare_min_level
            )
            ongoing = (
                last_flare is not None
                and obs.at - last_flare <= gap
                and (last_calm is None or last_calm < last_flare)
            )
            settled = Settled(
                flare=flare,
                baseline=baseline,
                spread=spread,
                new=flare and not ongoing,
                confounders=confounders(obs, rules) if flare else (),
            )
        result[obs.log_id] = settled
        if obs.context == "next_morning":
            mornings.append(obs)
        # Pain during or right after an exercise is about that exercise (rule one judges
        # it): it neither starts an episode (the next morning's flare is still new evidence)
        # nor ends one.
        if obs.context == "after_exercise":
            continue
        if settled.flare:
            last_flare = obs.at
        else:
            # A calm report says the pain came back down.
            last_calm = obs.at
            if obs.context == "next_morning":
                calm_mornings.append(obs)
    return result


def settle(history: History, classes: dict[str, Settled], rules: Rules) -> list[str]:
    """Freeze the class of every observation behind the watermark: every record before it
    has arrived (within the allowed lateness), so its class can no longer change. Returns
    the log ids settled now, in time order."""
    mark = history.watermark(rules)
    if mark is None:
        return []
    now = []
    for obs in history.unsettled():
        if obs.at >= mark:
            break
        history.settled[obs.log_id] = classes[obs.log_id]
        now.append(obs.log_id)
    return now


def _baseline(recent: list[int], every: list[int], quiz: QuizSeed | None, rules: Rules) -> float:
    """`recent`: calm mornings of the baseline window; `every`: all its mornings."""
    if len(recent) >= rules.baseline_min_mornings:
        return float(median(recent))
    if quiz is not None:
        return float(quiz.pain)
    if recent:
        return float(median(recent))
    if every:
        return float(median(every))
    return rules.default_baseline
