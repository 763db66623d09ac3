"""Red-flag screening: who must see a clinician instead of getting a plan (DOMAIN.md section 1).

Pure: answers in, a `Screening` out. Every yes/no red-flag answer maps to one rule (a stable
code, its level and what to tell the person). Two rules also read other answers:

- sciatica in both legs: the red-flag answer *or* `symptoms.leg_side == "both"`, whichever
  says so (the two are not validated against each other: contradictory answers resolve to the
  more cautious reading, never to a 422 in front of an emergency);
- first episode before 20 or after 55: `symptoms.first_episode` with `about.age` < 20 or > 55.

Severe uncontrolled pain (8/10 or more most of the day despite pain relief) is its own
question, asked in those words; a typical-day rating of 8 alone does not trigger it (it marks
an irritable phase, which the planner meets with its most cautious plan).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from shared.events.base import Frozen
from shared.events.quiz import ReferralLevel, ReferralReason
from shared.events.quiz_answers import QuizAnswers

FIRST_EPISODE_YOUNGEST_WITHOUT_CLEARANCE = 20  # "first episode before 20"
FIRST_EPISODE_OLDEST_WITHOUT_CLEARANCE = 55  # "... or after 55"

# Most urgent first.
URGENCY: tuple[ReferralLevel, ...] = ("emergency", "same_day", "clearance")

_ACTION: Mapping[ReferralLevel, str] = MappingProxyType(
    {
        "emergency": "Go to an emergency department now. Do not wait and do not exercise.",
        "same_day": "See a doctor today. Your plan is on hold until a clinician has seen you.",
        "clearance": "A clinician needs to check you and clear you before you start exercising.",
    }
)


class RedFlagRule(NamedTuple):
    level: ReferralLevel
    why: str  # what the answer may mean, in plain words; the level's action follows it


# Keyed by reason code. Every field of `RedFlagAnswers` is a code here, under its own name, so
# the questionnaire can show each question's level; `first_episode_age` is derived only.
RED_FLAG_RULES: Mapping[str, RedFlagRule] = MappingProxyType(
    {
        "saddle_numbness": RedFlagRule(
            "emergency",
            "New numbness between your legs or around your genitals or back passage can mean "
            "the nerves at the base of your spine are badly squeezed (cauda equina syndrome).",
        ),
        "bladder_dysfunction": RedFlagRule(
            "emergency",
            "New trouble passing urine or leaking can mean the nerves to your bladder are "
            "being squeezed (cauda equina syndrome).",
        ),
        "bowel_incontinence": RedFlagRule(
            "emergency",
            "New loss of bowel control can mean the nerves at the base of your spine are "
            "being squeezed (cauda equina syndrome).",
        ),
        "sexual_dysfunction": RedFlagRule(
            "emergency",
            "New sexual problems or genital numbness can mean the nerves at the base of your "
            "spine are being squeezed (cauda equina syndrome).",
        ),
        "bilateral_leg_symptoms": RedFlagRule(
            "emergency",
            "Sciatica in both legs can mean several nerve roots are being squeezed at once.",
        ),
        "rapidly_worsening_weakness": RedFlagRule(
            "emergency",
            "Leg weakness that is quickly getting worse means a nerve is losing function.",
        ),
        "spreading_numbness": RedFlagRule(
            "emergency", "Numbness that is spreading means a nerve is losing function."
        ),
        "foot_drop": RedFlagRule(
            "same_day", "A foot that has started to drop means a nerve is losing function."
        ),
        "worsening_weakness": RedFlagRule(
            "same_day", "A leg that keeps getting weaker needs a clinician to examine it."
        ),
        "cancer_history_with_new_pain": RedFlagRule(
            "same_day", "New back pain after cancer must be checked before anything else."
        ),
        "unexplained_weight_loss": RedFlagRule(
            "same_day", "Back pain with weight loss you cannot explain must be checked."
        ),
        "fever_or_unwell": RedFlagRule(
            "same_day", "Back pain with a fever or feeling unwell can be a sign of infection."
        ),
        "immunosuppressed": RedFlagRule(
            "same_day", "With a weakened immune system, back pain can be a sign of infection."
        ),
        "iv_drug_use": RedFlagRule(
            "same_day", "After injecting drugs, back pain can be a sign of a spinal infection."
        ),
        "long_term_steroids": RedFlagRule(
            "same_day", "Long use of steroids thins bones, so back pain must be checked."
        ),
        "significant_trauma": RedFlagRule(
            "same_day", "Pain after a serious accident or fall must be checked for a fracture."
        ),
        "minor_trauma_with_osteoporosis": RedFlagRule(
            "same_day", "With thin bones, even a minor fall or strain can cause a fracture."
        ),
        "constant_pain_not_eased_by_rest": RedFlagRule(
            "same_day", "Pain that no rest or position eases is not typical of sciatica."
        ),
        "severe_night_pain": RedFlagRule(
            "same_day", "Severe pain at night in every position is not typical of sciatica."
        ),
        "unsteady_gait_or_clumsy_hands": RedFlagRule(
            "same_day", "Unsteady walking or clumsy hands can mean the spinal cord is affected."
        ),
        "first_episode_age": RedFlagRule(
            "clearance",
            "Back pain starting for the first time before 20 or after 55 is less often "
            "simple sciatica.",
        ),
        "inflammatory_back_pain_signs": RedFlagRule(
            "clearance", "Long morning stiffness that eases with movement can be inflammatory."
        ),
        "recent_spinal_surgery": RedFlagRule(
            "clearance", "After spinal surgery, your surgeon or physio sets what is safe."
        ),
        "pregnant": RedFlagRule(
            "clearance", "Pregnancy changes which exercises are safe for your back."
        ),
        "known_stenosis_or_fracture": RedFlagRule(
            "clearance", "Spinal stenosis or a fracture changes which exercises are safe."
        ),
        "severe_uncontrolled_pain": RedFlagRule(
            "clearance", "Pain of 8/10 or more most of the day needs to be brought under control."
        ),
    }
)


_ORDER: Mapping[str, int] = MappingProxyType({code: i for i, code in enumerate(RED_FLAG_RULES)})


class Screening(Frozen):
    """The outcome: `level` is the most urgent level found, None when clear to plan."""

    level: ReferralLevel | None
    reasons: tuple[ReferralReason, ...]

    @property
    def clear(self) -> bool:
        return self.level is None


def screen_red_flags(answers: QuizAnswers) -> Screening:
    """Every red flag found in the answers, most urgent first (DOMAIN.md section 1)."""
    raised = {code for code, value in answers.red_flags if value is True}
    if answers.symptoms.leg_side == "both":
        raised.add("bilateral_leg_symptoms")
    # "Severe uncontrolled pain (8/10 or more most of the day)" is its own question, asked in
    # those words. A typical-day rating of 8 alone is not "uncontrolled despite pain relief":
    # it marks an irritable phase, which the planner answers with its most cautious plan.
    age = answers.about.age
    if answers.symptoms.first_episode and not (
        FIRST_EPISODE_YOUNGEST_WITHOUT_CLEARANCE <= age <= FIRST_EPISODE_OLDEST_WITHOUT_CLEARANCE
    ):
        raised.add("first_episode_age")

    # Most urgent first, then table order: the same answers always give the same reasons.
    # A flag without a rule raises KeyError here instead of passing silently as "clear".
    found = sorted(
        raised, key=lambda code: (URGENCY.index(RED_FLAG_RULES[code].level), _ORDER[code])
    )
    reasons = tuple(_reason(code) for code in found)
    return Screening(level=reasons[0].level if reasons else None, reasons=reasons)


def _reason(code: str) -> ReferralReason:
    rule = RED_FLAG_RULES[code]
    return ReferralReason(code=code, level=rule.level, message=f"{rule.why} {_ACTION[rule.level]}")
