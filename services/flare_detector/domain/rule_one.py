"""Rule one, at once: the reports that fire it and the removals they make.

Rule one (DOMAIN.md section 4) is judged per report: an exercise reported with burning,
shooting or radiating pain, or pain further down the leg than usual, is removed now.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.flare_detector.domain.evidence import DecisionEvidence
from services.flare_detector.domain.flares import is_rule_one, quiz_in_effect
from services.flare_detector.domain.history import Decision, History
from services.flare_detector.domain.records import Observation, QuizSeed, Session, in_time_order
from services.flare_detector.domain.rules import RULE_ONE_QUALITIES


@dataclass(frozen=True)
class Report:
    """A report that fires rule one: a session's exercise or an after-exercise pain log."""

    report_id: str
    exercise_id: str
    at: datetime


def rule_one_reports(history: History) -> list[Report]:
    found = reports_of(
        history.sessions.values(), history.observations.values(), history.quizzes.values()
    )
    if history.cold is not None:
        found.extend(history.cold.reports())
    return sorted(found, key=lambda r: (r.at, r.report_id))


def reports_of(
    sessions: Iterable[Session], observations: Iterable[Observation], quizzes: Iterable[QuizSeed]
) -> list[Report]:
    """The rule-one reports among these records, judged against these quizzes."""
    in_order = in_time_order(list(quizzes))

    def fires(qualities: tuple[str, ...], locations: tuple[str, ...], at: datetime) -> bool:
        if RULE_ONE_QUALITIES.intersection(qualities):
            return True
        # Only a location can still fire it, against the quiz in effect (the costly part).
        return bool(locations) and is_rule_one((), locations, quiz_in_effect(in_order, at))

    found = []
    for s in sessions:
        for r in s.reports:
            if fires(r.qualities, r.locations, s.started_at):
                found.append(Report(f"session:{s.session_id}:{r.exercise_id}", r.exercise_id, s.at))
    for o in observations:
        if (
            o.context == "after_exercise"
            and o.exercise_id is not None
            and fires(o.qualities, o.locations, o.at)
        ):
            found.append(Report(f"log:{o.log_id}", o.exercise_id, o.at))
    return found


def immediate_decisions(history: History) -> list[Decision]:
    """One rule-one removal per exercise, with every report that fired it so far."""
    by_exercise: dict[str, list[Report]] = {}
    for report in rule_one_reports(history):
        by_exercise.setdefault(report.exercise_id, []).append(report)
    return [
        Decision(
            exercise_id=exercise_id,
            rule="immediate",
            severity="confirmed",
            at=reports[0].at,
            rank=-1,
            evidence=DecisionEvidence(
                exposures=_exposures(history, exercise_id),
                flares_after=0,
                flares_without=0,
                sessions_without=0,
                windows=("during",),
                statistic="rule_one",
                report_ids=tuple(r.report_id for r in reports),
                note="burning, shooting or radiating pain, or pain further down the leg, "
                "during or right after the exercise",
            ),
        )
        for exercise_id, reports in sorted(by_exercise.items())
    ]


def _exposures(history: History, exercise_id: str) -> int:
    """Kept sessions with the exercise: those loaded, and the closed ones (all kept)."""
    ids = {k for k, s in history.sessions.items() if exercise_id in s.exercises}
    ids.update(
        k for k, u in history.units.items() if not u.rest and exercise_id in u.session.exercises
    )
    cold = 0 if history.cold is None else history.cold.exposures(exercise_id)
    return len(ids) + cold
