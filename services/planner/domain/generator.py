"""The plan generator: answers and removals in, a plan out (DOMAIN.md sections 2-3).

Order of work: decide the phase; exclude (rules.py); from what is left, take the glute and
hip foundations (a bridge and a hip abduction, always); then fill the session by category,
in the order the person's goals ask for, one exercise per family (its hardest allowed
variant: phase suitability and the rules already bound how hard that is). Goals and minutes
pick among safe exercises and shape the dose; they never bring back an excluded one.
Everything is sorted or keyed, so the same inputs give the same plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from services.planner.domain.library import Category, Dose, Exercise, Foundation, Library, Phase
from services.planner.domain.phase import PhaseDecision, decide_phase
from services.planner.domain.plan import Plan, PlannedExercise, Weekday
from services.planner.domain.removals import RemovalDecision, removed_exercises
from services.planner.domain.rules import (
    DIRECTION_LABEL,
    LOAD_POLICY,
    Exclusion,
    Person,
    exclusion_for,
)
from shared.events.quiz_answers import Direction, Goal, QuizAnswers

# Sessions per week -> days, spread so that rest days fall between sessions where possible.
DAY_PATTERNS: Mapping[int, tuple[Weekday, ...]] = {
    1: ("wed",),
    2: ("mon", "thu"),
    3: ("mon", "wed", "fri"),
    4: ("mon", "tue", "thu", "fri"),
    5: ("mon", "tue", "wed", "fri", "sat"),
    6: ("mon", "tue", "wed", "thu", "fri", "sat"),
    7: ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
}
BASE_ORDER: tuple[Category, ...] = (
    "glute_hip",
    "core_stability",
    "mobility",
    "nerve_mobilization",
    "aerobic",
    "strength",
)
# The categories each goal asks for, most wanted first.
GOAL_CATEGORIES: Mapping[Goal, tuple[Category, ...]] = {
    "reduce_pain": ("mobility", "core_stability", "nerve_mobilization"),
    "daily_activities": ("core_stability", "strength", "aerobic"),
    "mobility": ("mobility", "nerve_mobilization", "core_stability"),
    "strength": ("strength", "glute_hip", "core_stability"),
    "general_fitness": ("aerobic", "strength", "core_stability"),
    "lose_weight": ("aerobic", "strength", "core_stability"),
    "return_to_running": ("aerobic", "glute_hip", "strength"),
    "return_to_sport": ("strength", "aerobic", "core_stability"),
}
MINUTES_PER_EXERCISE = 5
MIN_EXERCISES, MAX_EXERCISES = 3, 10
MAX_SETS = 4
LONG_SESSION_MINUTES = 45
AEROBIC_HEAVY_GOALS: frozenset[Goal] = frozenset(
    {"general_fitness", "lose_weight", "return_to_running"}
)
STRENGTH_GOALS: frozenset[Goal] = frozenset({"strength", "return_to_sport"})


def generate_plan(
    answers: QuizAnswers, removals: Iterable[RemovalDecision], library: Library
) -> Plan:
    phase = decide_phase(answers)
    removed = removed_exercises(removals, library)
    person = Person.of(answers, phase, removed)
    excluded: list[Exclusion] = []
    allowed: list[Exercise] = []
    for ex in sorted(library.exercises, key=lambda e: e.id):
        why_not = exclusion_for(ex, person, library)
        if why_not is None:
            allowed.append(ex)
        else:
            excluded.append(why_not)
    chosen = _choose(allowed, answers, phase, library)
    days = DAY_PATTERNS[answers.schedule.sessions_per_week]
    return Plan(
        library_version=library.version,
        phase=phase.phase,
        phase_reasons=phase.reasons,
        glute_gate_open=person.glute_gate_open,
        days=days,
        exercises=tuple(
            PlannedExercise(
                exercise_id=ex.id,
                name=ex.name,
                category=ex.category,
                dose=shape_dose(ex, phase.phase, answers),
                days=days,
                why=why,
            )
            for ex, why in chosen
        ),
        excluded=tuple(excluded),
        removed=tuple(removed.values()),
    )


def session_size(minutes: int) -> int:
    return max(MIN_EXERCISES, min(MAX_EXERCISES, minutes // MINUTES_PER_EXERCISE))


def category_order(goals: Sequence[Goal]) -> tuple[Category, ...]:
    weight = dict.fromkeys(BASE_ORDER, 0)
    for goal in goals:
        for rank, category in enumerate(GOAL_CATEGORIES[goal]):
            weight[category] += 3 - rank
    return tuple(sorted(BASE_ORDER, key=lambda c: (-weight[c], BASE_ORDER.index(c))))


def _choose(
    allowed: Sequence[Exercise], answers: QuizAnswers, phase: PhaseDecision, library: Library
) -> list[tuple[Exercise, str]]:
    goals = answers.goals
    eases = set(answers.symptoms.directions_that_ease)
    # One exercise per family: the hardest variant the rules allow, preferring one that
    # carries no "careful" or "progressive" load (sliders before tensioners).
    families: dict[str, Exercise] = {}
    for ex in sorted(allowed, key=lambda e: (_guarded(e, phase.phase), -library.depth[e.id])):
        families.setdefault(ex.family, ex)
    picks = sorted(families.values(), key=lambda e: _rank(e, goals, eases, phase.phase, library))
    chosen: list[tuple[Exercise, str]] = []
    used: set[str] = set()

    def take(ex: Exercise, why: str) -> None:
        chosen.append((ex, why))
        used.add(ex.family)

    foundation_order: tuple[Foundation, ...] = ("bridge", "abduction")
    for foundation in foundation_order:
        found = next((e for e in picks if e.foundation == foundation), None)
        if found is not None:
            take(found, _foundation_why(found))
    size = max(session_size(answers.schedule.minutes_per_session), len(chosen))
    aerobic_cap = 2 if AEROBIC_HEAVY_GOALS & set(goals) and size >= 8 else 1
    order = category_order(goals)
    while len(chosen) < size:
        before = len(chosen)
        for category in order:
            if len(chosen) >= size:
                break
            if category == "aerobic" and sum(e.category == "aerobic" for e, _ in chosen) >= (
                aerobic_cap
            ):
                continue
            nxt = next((e for e in picks if e.category == category and e.family not in used), None)
            if nxt is not None:
                take(nxt, _why(nxt, goals, eases))
        if len(chosen) == before:
            break
    return chosen


def _rank(
    ex: Exercise, goals: Sequence[Goal], eases: set[Direction], phase: Phase, library: Library
) -> tuple[int, int, str]:
    score = 2 * len(set(ex.goals) & set(goals))
    if eases & set(ex.directions_loaded):
        score += 1  # a direction that eases the pain is a mild preference (DOMAIN.md 3)
    if _guarded(ex, phase):
        score -= 2  # allowed, but picked only when nothing plainer serves
    return (-score, -library.depth[ex.id], ex.id)


def _guarded(ex: Exercise, phase: Phase) -> bool:
    """Carries a load the phase allows only with care or one step at a time."""
    return any(LOAD_POLICY[t][phase] in ("careful", "progressive") for t in ex.loads)


def _foundation_why(ex: Exercise) -> str:
    if ex.activation:
        return "glute and hip foundation, starting with activation (DOMAIN.md 3)"
    return "glute and hip foundation (DOMAIN.md 3)"


_CATEGORY_LABEL: Mapping[Category, str] = {
    "glute_hip": "glute and hip strength",
    "core_stability": "core stability",
    "mobility": "mobility",
    "nerve_mobilization": "nerve mobility",
    "aerobic": "aerobic fitness",
    "strength": "strength",
}


def _why(ex: Exercise, goals: Sequence[Goal], eases: set[Direction]) -> str:
    served = sorted(set(ex.goals) & set(goals))
    why = _CATEGORY_LABEL[ex.category]
    if served:
        why += " for your goals: " + ", ".join(g.replace("_", " ") for g in served)
    easing = sorted(eases & set(ex.directions_loaded))
    if easing:
        labels = ", ".join(DIRECTION_LABEL[d] for d in easing)
        why += f"; moves in a direction that eases your pain ({labels})"
    return why


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
        minutes = max(5, min(minutes, minutes_available // 2))
    return dose.model_copy(update={"sets": sets, "minutes": minutes})
