"""Doses: goals and minutes shape how much, an irritable phase caps it (DOMAIN.md 2-3), and
the whole session fits the minutes the person said they have.

Time is an estimate a person can check with a watch: a few seconds a repetition, the holds,
both sides when the exercise is done per side, the rests between sets, and a moment to get
into position. Trimming is deterministic and never touches which exercises are safe: it
takes sets off the longest work first, then shortens aerobic blocks, then leaves out the
last extras, and never leaves out the glute and hip foundations.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.planner.domain.library import Dose, Exercise, Phase
from shared.events.quiz_answers import Goal, QuizAnswers

REP_SECONDS = 4
HOLD_CHANGEOVER_SECONDS = 5
SETUP_SECONDS = 20
LONG_SESSION_MINUTES = 45
MAX_SETS = 4
MIN_AEROBIC_MINUTES = 5
KEEP_AT_LEAST = 3  # exercises, when the minutes allow it
STRENGTH_GOALS: frozenset[Goal] = frozenset({"strength", "return_to_sport"})


def shape_dose(ex: Exercise, phase: Phase, answers: QuizAnswers) -> Dose:
    """Goals and minutes shape the dose; an irritable phase caps it (DOMAIN.md 2)."""
    dose = ex.dose
    sets = dose.sets
    minutes_available = answers.schedule.minutes_per_session
    if phase == "acute":
        sets = min(sets, 2)
    elif dose.minutes is None and (
        minutes_available >= LONG_SESSION_MINUTES
        or (STRENGTH_GOALS & set(answers.goals) and ex.category in ("strength", "glute_hip"))
    ):
        sets = min(sets + 1, MAX_SETS)
    minutes = dose.minutes
    if minutes is not None:
        minutes = max(MIN_AEROBIC_MINUTES, min(minutes, minutes_available // 2))
    return dose.model_copy(update={"sets": sets, "minutes": minutes})


def dose_seconds(dose: Dose) -> int:
    """About how long one exercise takes at this dose, setting up included."""
    if dose.minutes is not None:
        return SETUP_SECONDS + 60 * dose.minutes
    one = dose.reps * REP_SECONDS if dose.reps is not None else (dose.hold_s or 0)
    one += 0 if dose.reps is not None else HOLD_CHANGEOVER_SECONDS
    per_set = one * (2 if dose.per_side else 1)
    return SETUP_SECONDS + dose.sets * per_set + (dose.sets - 1) * dose.rest_s


def session_seconds(doses: Sequence[Dose]) -> int:
    return sum(dose_seconds(d) for d in doses)


def fit_session(doses: list[Dose], foundations: int, minutes: int) -> list[Dose]:
    """Trim doses (and, last, trailing extras) until the session fits `minutes`.

    `foundations` is how many leading entries are the glute and hip foundations: they are
    never left out. Returns the doses kept, in order; the caller keeps as many exercises.
    """
    budget = 60 * minutes
    doses = list(doses)
    while session_seconds(doses) > budget:
        step = (
            _fewer_sets(doses, above=2)
            or _shorter_aerobic(doses, above=2 * MIN_AEROBIC_MINUTES)
            or _leave_out_last(doses, foundations, keep=KEEP_AT_LEAST)
            or _fewer_sets(doses, above=1)
            or _shorter_aerobic(doses, above=MIN_AEROBIC_MINUTES)
            or _leave_out_last(doses, foundations, keep=foundations)
        )
        if not step:
            break
    return doses


def _fewer_sets(doses: list[Dose], above: int) -> bool:
    """One set less on the exercise with the most sets (the later one on a tie)."""
    candidates = [i for i, d in enumerate(doses) if d.minutes is None and d.sets > above]
    if not candidates:
        return False
    i = max(candidates, key=lambda j: (doses[j].sets, j))
    doses[i] = doses[i].model_copy(update={"sets": doses[i].sets - 1})
    return True


def _shorter_aerobic(doses: list[Dose], above: int) -> bool:
    candidates = [i for i, d in enumerate(doses) if d.minutes is not None and d.minutes > above]
    if not candidates:
        return False
    i = max(candidates, key=lambda j: (doses[j].minutes or 0, j))
    current = doses[i].minutes or 0
    doses[i] = doses[i].model_copy(update={"minutes": max(above, current - MIN_AEROBIC_MINUTES)})
    return True


def _leave_out_last(doses: list[Dose], foundations: int, keep: int) -> bool:
    if len(doses) <= max(keep, foundations):
        return False
    doses.pop()
    return True
