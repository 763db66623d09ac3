"""Which exercises this person must not get, each with one readable reason (DOMAIN.md 2-3).

Rules are filters on the library's tags, checked in a fixed order; the first that fires is
the reason shown. Goals and minutes never appear here: they shape choice and dose only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from services.planner.domain.library import Exercise, Library, LoadTag, Phase
from services.planner.domain.phase import PhaseDecision
from services.planner.domain.removals import RemovedExercise
from shared.events.base import Frozen
from shared.events.quiz_answers import Direction, Equipment, Movement, QuizAnswers

# out: never; careful: only with calm leg symptoms; progressive: only the first loaded step
# of its family; aggravators: out when the person says sitting makes it worse; in: allowed.
Policy = Literal["out", "careful", "progressive", "aggravators", "in"]

# The table of DOMAIN.md section 3, column by column.
LOAD_POLICY: Mapping[LoadTag, Mapping[Phase, Policy]] = {
    "flexion_under_load": {"acute": "out", "subacute": "out", "recovery": "careful"},
    "axial_compression": {"acute": "out", "subacute": "out", "recovery": "progressive"},
    "neural_tensioner": {"acute": "out", "subacute": "out", "recovery": "careful"},
    "neural_slider": {"acute": "out", "subacute": "careful", "recovery": "in"},
    "rotation_under_load": {"acute": "out", "subacute": "out", "recovery": "careful"},
    "impact": {"acute": "out", "subacute": "out", "recovery": "progressive"},
    "piriformis_compression": {"acute": "careful", "subacute": "careful", "recovery": "in"},
    # "per aggravators" in acute and subacute; kept in recovery too: stricter, never looser.
    "sustained_sitting": {
        "acute": "aggravators",
        "subacute": "aggravators",
        "recovery": "aggravators",
    },
}

LOAD_LABEL: Mapping[LoadTag, str] = {
    "flexion_under_load": "spinal flexion under load",
    "axial_compression": "axial compression",
    "neural_tensioner": "neural tensioner",
    "neural_slider": "nerve slider",
    "rotation_under_load": "rotation under load",
    "impact": "impact",
    "piriformis_compression": "piriformis compression",
    "sustained_sitting": "sustained sitting",
}
PHASE_LABEL: Mapping[Phase, str] = {
    "acute": "an irritable (acute) phase",
    "subacute": "a settling (subacute) phase",
    "recovery": "the recovery phase",
}
DIRECTION_LABEL: Mapping[Direction, str] = {
    "flexion": "bending forward",
    "extension": "bending backward",
    "rotation": "twisting",
    "side_bending": "bending sideways",
}
MOVEMENT_LABEL: Mapping[Movement, str] = {
    "sitting": "sitting",
    "bending_forward": "bending forward",
    "bending_backward": "bending backward",
    "walking": "walking",
    "standing": "standing",
    "lifting": "lifting",
    "lying_down": "lying down",
    "coughing_sneezing": "coughing or sneezing",
}


class Exclusion(Frozen):
    exercise_id: str
    rule: str  # a stable code: "load:neural_tensioner", "direction:flexion", "glute_gate", ...
    reason: str


class Person(Frozen):
    """What the rules need to know about this person, decided once per plan."""

    phase: PhaseDecision
    equipment: frozenset[Equipment]
    spreads: tuple[Direction, ...]
    aggravators: tuple[Movement, ...]
    glute_gate_open: bool
    removed: Mapping[str, RemovedExercise]

    @classmethod
    def of(
        cls, answers: QuizAnswers, phase: PhaseDecision, removed: Mapping[str, RemovedExercise]
    ) -> Person:
        return cls(
            phase=phase,
            equipment=frozenset(answers.equipment),
            spreads=answers.symptoms.directions_that_spread,
            aggravators=answers.symptoms.aggravating_movements,
            # "unsure" keeps the gate shut: load waits until the glutes are surely felt.
            glute_gate_open=answers.glute_test.feels_glutes_in_bridge == "yes",
            removed=removed,
        )


def exclusion_for(ex: Exercise, person: Person, library: Library) -> Exclusion | None:
    """The first rule that keeps `ex` out of this person's plan, or None if none does."""
    phase = person.phase.phase

    def out(rule: str, reason: str) -> Exclusion:
        return Exclusion(exercise_id=ex.id, rule=rule, reason=reason)

    if not ex.prescribable:
        return out("unreviewed", "no reviewed safety profile yet, so never prescribed")
    if (removed := person.removed.get(ex.id)) is not None:
        return out("removed", removal_reason(removed, library))
    for tag in ex.loads:
        policy = LOAD_POLICY[tag][phase]
        label = f"{LOAD_LABEL[tag]} during {PHASE_LABEL[phase]}"
        if policy == "out":
            return out(f"load:{tag}", f"{label} (DOMAIN.md 3)")
        if policy == "careful" and not person.phase.calm:
            return out(f"load:{tag}", f"{label}: only once leg symptoms are calm (DOMAIN.md 3)")
        if policy == "progressive" and _not_first_loaded_step(ex, tag, library):
            easier = library.by_id[ex.regression or ""].name
            return out(f"load:{tag}", f"{label}: one step at a time, {easier} first (DOMAIN.md 3)")
        if policy == "aggravators" and "sitting" in person.aggravators:
            return out(f"load:{tag}", f"{LOAD_LABEL[tag]}, and sitting aggravates your symptoms")
    for direction in ex.directions_loaded:
        if direction in person.spreads:
            return out(
                f"direction:{direction}",
                f"loads {DIRECTION_LABEL[direction]}, which sends your pain further down the "
                "leg (DOMAIN.md 3)",
            )
    for movement in ex.reproduces:
        if movement in person.aggravators:
            return out(
                f"aggravator:{movement}",
                f"involves {MOVEMENT_LABEL[movement]}, which makes your symptoms worse",
            )
    if not person.glute_gate_open:
        # "Don't add load yet" (the article): no weights, bands or machines at all, since
        # carries, chops and presses load the hips too, whatever their category.
        if ex.external_load:
            return out(
                "glute_gate",
                "added load (weights, bands or a machine) before you feel your glutes in a "
                "bodyweight bridge (glute gate, DOMAIN.md 3)",
            )
        if ex.hip_strength:
            return out(
                "glute_gate",
                "hip strength work under body weight before you feel your glutes in a "
                "bodyweight bridge (glute gate, DOMAIN.md 3)",
            )
        if ex.category == "glute_hip" and not ex.activation:
            return out(
                "glute_gate",
                "glute work beyond activation before you feel your glutes in a bodyweight "
                "bridge (glute gate, DOMAIN.md 3)",
            )
    if phase not in ex.phases:
        return out("phase", f"not suited to {PHASE_LABEL[phase]}")
    missing = sorted(set(ex.equipment) - person.equipment)
    if missing:
        return out("equipment", f"needs equipment you do not have: {', '.join(missing)}")
    return None


def _not_first_loaded_step(ex: Exercise, tag: LoadTag, library: Library) -> bool:
    easier = library.get(ex.regression) if ex.regression else None
    return easier is not None and tag in easier.loads


def removal_reason(removed: RemovedExercise, library: Library) -> str:
    why = (
        "burning, shooting or radiating pain during it (rule one)"
        if removed.rule == "immediate"
        else f"it kept coming before flares ({removed.severity})"
    )
    if removed.direct:
        return f"removed for you: {why}"
    source = library.get(removed.because_of)
    name = source.name if source else removed.because_of
    return f"removed for you: a harder variant of {name}, which was removed because {why}"
