"""Irritability and phase from the quiz answers (DOMAIN.md section 2).

- acute / irritable: recent onset or worsening, leg pain high or below the knee with some
  intensity, pain that spreads down the leg with movement;
- recovery: leg symptoms mostly gone;
- subacute: everything in between (settling).

The thresholds are named here so a clinician can read and tune them. When signs disagree,
the more cautious phase wins.
"""

from __future__ import annotations

from services.planner.domain.library import Phase
from shared.events.base import Frozen
from shared.events.quiz_answers import QuizAnswers

HIGH_LEG_PAIN = 6  # leg pain at or above this on a typical day: irritable
BELOW_KNEE_IRRITABLE_LEG_PAIN = 5  # pain below the knee at this level or more: irritable
HIGH_BACK_PAIN = 7
RECOVERY_MAX_LEG_PAIN = 2  # "leg symptoms mostly gone"
CALM_MAX_LEG_PAIN = 3  # "careful" loads need calm leg symptoms (see rules.py)


class PhaseDecision(Frozen):
    phase: Phase
    reasons: tuple[str, ...]
    # Calm leg symptoms: the condition under which a "careful" load may be prescribed.
    calm: bool


def decide_phase(answers: QuizAnswers) -> PhaseDecision:
    s = answers.symptoms
    irritable: list[str] = []
    if s.duration == "under_2_weeks":
        irritable.append("symptoms began less than 2 weeks ago")
    if s.trend == "getting_worse":
        irritable.append("symptoms are getting worse")
    if s.pain_spreads_with_movement:
        irritable.append("pain spreads down the leg with movement")
    if s.leg_pain >= HIGH_LEG_PAIN:
        irritable.append(f"leg pain is {s.leg_pain}/10")
    elif s.pain_below_knee and s.leg_pain >= BELOW_KNEE_IRRITABLE_LEG_PAIN:
        irritable.append(f"leg pain of {s.leg_pain}/10 reaches below the knee")
    if s.back_pain >= HIGH_BACK_PAIN:
        irritable.append(f"back pain is {s.back_pain}/10")
    calm = (
        s.leg_pain <= CALM_MAX_LEG_PAIN
        and not s.pain_below_knee
        and not s.pain_spreads_with_movement
        and s.trend != "getting_worse"
    )
    if irritable:
        return PhaseDecision(phase="acute", reasons=tuple(irritable), calm=False)
    if s.leg_pain <= RECOVERY_MAX_LEG_PAIN and not s.pain_below_knee:
        return PhaseDecision(
            phase="recovery",
            reasons=(f"leg pain is {s.leg_pain}/10 and stays above the knee",),
            calm=calm,
        )
    reasons = ["symptoms are settling"]
    if s.pain_below_knee:
        reasons.append("pain still reaches below the knee")
    if s.leg_pain > RECOVERY_MAX_LEG_PAIN:
        reasons.append(f"leg pain is {s.leg_pain}/10")
    return PhaseDecision(phase="subacute", reasons=tuple(reasons), calm=calm)
