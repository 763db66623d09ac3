"""The plan generator: answers and removals in, a plan out (DOMAIN.md sections 2-3).

Order of work: decide the phase; exclude (rules.py); from what is left, take the glute and
hip foundations (a glute bridge and a hip abduction or clamshell, always: the article's own
exercises, not a hip thrust standing in for them); then fill the session by category, in the
order the person's goals ask for, one exercise per family (its hardest allowed variant: phase
suitability and the rules already bound how hard that is). Removed exercises are picked as if
still allowed and then hand their place to their nearest allowed regression, so a removal is
replaced by an easier variant of the same purpose, never a harder one; with none allowed, the
next exercise of the same category fills in. Goals and minutes pick among safe exercises and
shape the dose (dose.py fits the session into the minutes); they never bring back an excluded
one. Everything is sorted or keyed, so the same inputs give the same plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from services.planner.domain.dose import fit_session, shape_dose
from services.planner.domain.library import Category, Exercise, Foundation, Library, Phase
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
AEROBIC_HEAVY_GOALS: frozenset[Goal] = frozenset(
    {"general_fitness", "lose_weight", "return_to_running"}
)


def generate_plan(
    answers: QuizAnswers, removals: Iterable[RemovalDecision], library: Library
) -> Plan:
    phase = decide_phase(answers)
    removed = removed_exercises(removals, library)
    person = Person.of(answers, phase, removed)
    excluded: list[Exclusion] = []
    allowed: list[Exercise] = []
    held_back: list[Exercise] = []
    # The same person without removals: which removed exercises every other rule allows.
    unremoved = person.model_copy(update={"removed": {}})
    for ex in sorted(library.exercises, key=lambda e: e.id):
        why_not = exclusion_for(ex, person, library)
        if why_not is None:
            allowed.append(ex)
        else:
            excluded.append(why_not)
            if why_not.rule == "removed" and exclusion_for(ex, unremoved, library) is None:
                held_back.append(ex)
    chosen, foundations = _choose(allowed, held_back, answers, phase, library)
    doses = fit_session(
        [shape_dose(ex, phase.phase, answers) for ex, _ in chosen],
        foundations,
        answers.schedule.minutes_per_session,
    )
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
                dose=dose,
                days=days,
                why=why,
            )
            for (ex, why), dose in zip(chosen, doses, strict=False)
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
    allowed: Sequence[Exercise],
    held_back: Sequence[Exercise],
    answers: QuizAnswers,
    phase: PhaseDecision,
    library: Library,
) -> tuple[list[tuple[Exercise, str]], int]:
    """Pick as if removed exercises were still allowed, then put in each removed pick's slot
    its nearest allowed regression: a removal is replaced by an easier variant of the same
    purpose where one passes every rule, never by a harder one (DOMAIN.md 3)."""
    goals = answers.goals
    eases = set(answers.symptoms.directions_that_ease)
    allowed_ids = {e.id for e in allowed}
    # Hardest first, preferring what carries no "careful" or "progressive" load (sliders
    # before tensioners); removed exercises take part only to hand their slot on.
    ordered = sorted(
        [*allowed, *held_back], key=lambda e: (_guarded(e, phase.phase), -library.depth[e.id], e.id)
    )
    chosen: list[tuple[Exercise, str]] = []
    used: set[str] = set()

    def take(ex: Exercise, why: str) -> None:
        chosen.append((ex, why))
        used.add(ex.family)

    foundation_order: tuple[Foundation, ...] = ("bridge", "abduction")
    for foundation in foundation_order:
        found = _first_choice(
            [e for e in ordered if e.foundation == foundation], allowed_ids, library
        )
        if found is not None:
            take(found[0], _foundation_why(found[0]))
    foundations = len(chosen)
    # One exercise per family, ranked by the exercise that would have been picked.
    families: dict[str, list[Exercise]] = {}
    for ex in ordered:
        if ex.family not in used:
            families.setdefault(ex.family, []).append(ex)
    ranked: list[tuple[tuple[int, int, str], Exercise]] = []
    for members in families.values():
        found = _first_choice(members, allowed_ids, library)
        if found is not None:
            ranked.append((_rank(found[1], goals, eases, phase.phase, library), found[0]))
    picks = [ex for _, ex in sorted(ranked, key=lambda r: r[0])]
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
    return chosen, foundations


def _first_choice(
    ordered: Sequence[Exercise], allowed_ids: set[str], library: Library
) -> tuple[Exercise, Exercise] | None:
    """(the exercise to plan, the one whose place it takes) from candidates in order."""
    blocked: set[str] = set()
    for ex in ordered:
        if ex.id in blocked:
            continue
        if ex.id in allowed_ids:
            return ex, ex
        # Removed: none of its harder variants replaces it; its nearest allowed regression does.
        blocked.update(library.harder_variants(ex.id), (ex.id,))
        step = ex.regression
        while step is not None:
            if step in allowed_ids and step not in blocked:
                return library.by_id[step], ex
            step = library.by_id[step].regression
    return None


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
