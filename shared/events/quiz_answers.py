"""The quiz answers: body of `POST /v1/users/{user_id}/quiz`, payload of `quiz-completed`.

Validation only. Red-flag screening reads these answers in `services.quiz.domain.screening`
and the planner reads them to pick a phase and exclude exercises (DOMAIN.md sections 1-3).

Multi-choice answers are sets sent as JSON arrays; they are kept deduplicated and sorted, so
the same answers always give the same JSON and the same hash whatever order they came in.
The questionnaire (`GET /v1/quiz`) is generated from this schema: the allowed values below
are the single source of truth for both.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from shared.events.base import Frozen, at_most

SymptomDuration = Literal["under_2_weeks", "2_to_6_weeks", "6_to_12_weeks", "over_12_weeks"]
SymptomTrend = Literal["getting_worse", "about_the_same", "getting_better"]
LegSide = Literal["left", "right", "both", "none"]
Movement = Literal[
    "sitting",
    "bending_forward",
    "bending_backward",
    "walking",
    "standing",
    "lifting",
    "lying_down",
    "coughing_sneezing",
]
# flexion = bending forward, extension = bending backward.
Direction = Literal["flexion", "extension", "rotation", "side_bending"]
# Body weight is always available, so it is not a choice: no equipment is an empty list.
Equipment = Literal[
    "mat",
    "resistance_band",
    "mini_band",
    "dumbbells",
    "kettlebell",
    "barbell",
    "bench",
    "step",
    "stability_ball",
    "foam_roller",
    "pull_up_bar",
    "cable_machine",
    "leg_press",
    "stationary_bike",
    "treadmill",
    "pool",
]
Goal = Literal[
    "reduce_pain",
    "daily_activities",
    "mobility",
    "strength",
    "general_fitness",
    "lose_weight",
    "return_to_running",
    "return_to_sport",
]
GluteFeeling = Literal["yes", "no", "unsure"]

PainScore = Annotated[int, Field(ge=0, le=10)]

_Choice = TypeVar("_Choice", bound=str)

# Generous: every choice list is short, this only stops absurd payloads before deduplication.
_MAX_LISTED = 32


def _sorted_unique(values: tuple[_Choice, ...]) -> tuple[_Choice, ...]:
    return tuple(sorted(set(values)))


# A set of choices, sent as a JSON array, stored deduplicated and sorted.
ChoiceSet = Annotated[
    tuple[_Choice, ...],
    Field(max_length=_MAX_LISTED),
    at_most(_MAX_LISTED),
    AfterValidator(_sorted_unique),
]


class AboutYou(Frozen):
    age: int = Field(ge=18, le=110, description="Age in whole years; adults only.")


class Symptoms(Frozen):
    duration: SymptomDuration = Field(description="How long the current symptoms have lasted.")
    trend: SymptomTrend = Field(description="Whether symptoms are worsening, stable or easing.")
    back_pain: PainScore = Field(description="Back pain on a typical day this week, 0-10.")
    leg_pain: PainScore = Field(description="Leg pain on a typical day this week, 0-10.")
    pain_below_knee: bool = Field(description="Pain, numbness or tingling reaches below the knee.")
    leg_side: LegSide = Field(
        description="Which leg has symptoms. `both` is treated as the emergency red flag "
        "`bilateral_leg_symptoms` by screening."
    )
    aggravating_movements: ChoiceSet[Movement] = Field(
        description="Activities that make symptoms worse; empty if none."
    )
    directions_that_spread: ChoiceSet[Direction] = Field(
        description="Movement directions that send pain further down the leg."
    )
    directions_that_ease: ChoiceSet[Direction] = Field(
        description="Movement directions that ease pain or draw it back towards the back; "
        "must not share a direction with `directions_that_spread`."
    )
    pain_spreads_with_movement: bool = Field(
        description="Moving generally makes pain spread further down the leg."
    )
    first_episode: bool = Field(description="This is the first episode of sciatica/back pain.")

    @field_validator("directions_that_ease")
    @classmethod
    def _no_direction_both_spreads_and_eases(
        cls, ease: tuple[Direction, ...], info: ValidationInfo
    ) -> tuple[Direction, ...]:
        # Fields validate in order, so `directions_that_spread` is in `info.data` when valid;
        # raising here puts the error on `directions_that_ease`, not on the whole section.
        both = set(ease) & set(info.data.get("directions_that_spread", ()))
        if both:
            raise ValueError(
                f"a direction cannot both spread and ease the pain: {', '.join(sorted(both))}"
            )
        return ease


class RedFlagAnswers(Frozen):
    """The yes/no red-flag questions of DOMAIN.md section 1, each required: no answer, no plan.

    Levels and messages live with the rule (`services.quiz.domain.screening`), not here.
    `bilateral_leg_symptoms` and `symptoms.leg_side == "both"` ask the same thing twice; they
    are not validated against each other (a 422 must never stand between a person and an
    emergency referral): screening treats either one as sciatica in both legs.
    """

    # Emergency: suspected cauda equina or major neurological deficit.
    saddle_numbness: bool = Field(description="New numbness in the saddle area.")
    bladder_dysfunction: bool = Field(description="New trouble passing urine, or leaking.")
    bowel_incontinence: bool = Field(description="New loss of bowel control.")
    sexual_dysfunction: bool = Field(description="New sexual dysfunction or genital numbness.")
    bilateral_leg_symptoms: bool = Field(description="Sciatica in both legs.")
    rapidly_worsening_weakness: bool = Field(
        description="Leg weakness getting worse over hours or days (knee giving way, cannot "
        "stand on heels or toes)."
    )
    spreading_numbness: bool = Field(description="Numbness in the legs or feet that spreads.")
    # Same-day clinician.
    foot_drop: bool = Field(description="Acute foot drop: the foot slaps or toes catch.")
    worsening_weakness: bool = Field(description="A leg getting weaker over days or weeks.")
    cancer_history_with_new_pain: bool = Field(
        description="A history of cancer, with back pain that is new since."
    )
    unexplained_weight_loss: bool = Field(description="Recent weight loss without trying.")
    fever_or_unwell: bool = Field(description="Fever, chills or feeling generally unwell.")
    immunosuppressed: bool = Field(description="Immune system weakened by illness or drugs.")
    iv_drug_use: bool = Field(description="Injects, or recently injected, drugs.")
    long_term_steroids: bool = Field(description="Steroid tablets for more than 3 months.")
    significant_trauma: bool = Field(description="Pain began after a serious accident or fall.")
    minor_trauma_with_osteoporosis: bool = Field(
        description="Osteoporosis, and pain began after a minor fall or strain."
    )
    constant_pain_not_eased_by_rest: bool = Field(
        description="Constant pain that no rest, position or posture eases."
    )
    severe_night_pain: bool = Field(description="Severe pain at night in every position.")
    unsteady_gait_or_clumsy_hands: bool = Field(
        description="Newly unsteady walking, or clumsy hands."
    )
    # Clearance before exercise.
    inflammatory_back_pain_signs: bool = Field(
        description="Morning stiffness over 30 minutes, better with movement, worse with rest."
    )
    recent_spinal_surgery: bool = Field(description="Spinal surgery in the past 12 months.")
    pregnant: bool = Field(description="Currently pregnant.")
    known_stenosis_or_fracture: bool = Field(
        description="Diagnosed spinal stenosis or spinal fracture."
    )
    severe_uncontrolled_pain: bool = Field(
        description="Pain 8/10 or more most of the day despite pain relief."
    )


class Schedule(Frozen):
    sessions_per_week: int = Field(ge=1, le=7, description="Exercise days per week.")
    minutes_per_session: int = Field(ge=10, le=90, description="Minutes per session.")


class GluteTest(Frozen):
    """The article's practical test: can you feel your glutes in a bodyweight bridge."""

    feels_glutes_in_bridge: GluteFeeling = Field(
        description="Whether the glutes are felt working in a bodyweight bridge (DOMAIN.md "
        "section 3, glute gate)."
    )


class QuizAnswers(Frozen):
    """Everything the quiz asks. Sections are nested objects; every answer is required."""

    about: AboutYou = Field(description="About the person.")
    symptoms: Symptoms = Field(description="The current episode of sciatica.")
    red_flags: RedFlagAnswers = Field(description="Red-flag questions (DOMAIN.md section 1).")
    equipment: ChoiceSet[Equipment] = Field(
        description="Equipment available; empty means body weight only."
    )
    goals: ChoiceSet[Goal] = Field(min_length=1, description="What the plan should aim for.")
    schedule: Schedule = Field(description="Time available for exercise.")
    glute_test: GluteTest = Field(description="The bodyweight bridge glute test.")
