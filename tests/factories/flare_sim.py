"""Simulated users for the flare detector: weeks of sessions and pain logs, as events.

Each user has a plan of eight exercises and does a random subset of it every one to three
days (as people do), logs pain after each exercise (1-2/10) and every morning. Mornings flare
at random now and then (background), sometimes after a day of lifting or long sitting (a
confounder the morning log reports), and a flare sometimes lasts into the next morning. A
user may have a hidden trigger: an exercise after which the next morning flares with
probability `trigger_flare`, while its after-exercise logs stay at 1-2 (or, with
`trigger_window="evening"`, an evening log 6-12 h after the session flares instead).

simulate_user(seed, trigger="hip-hinge") -> SimUser with `events` in event-time order.
arrival_order(events, rng, lateness_h=...) -> the same events as a client might deliver
them: reordered within the lateness, some sent twice (a new event_id for the same session).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events.painlog import ExerciseDone, MorningContext, PainLogged, SessionDone
from shared.events.quiz import QuizCompleted
from shared.events.quiz_answers import QuizAnswers
from tests.factories.quiz import clean_answers

PLAN = (
    "glute-bridge",
    "clamshell",
    "bird-dog",
    "side-lying-hip-abduction",
    "cat-camel",
    "dead-bug",
    "hip-hinge",
    "sciatic-nerve-slider",
)
START = datetime(2026, 1, 5, tzinfo=UTC)
SimEvent = SessionDone | PainLogged | QuizCompleted


@dataclass(frozen=True)
class SimConfig:
    days: int = 42
    plan: tuple[str, ...] = PLAN
    include: float = 0.6  # chance each exercise of the plan is done in a session
    gap_days: tuple[int, int] = (1, 3)
    background_flare: float = 0.06
    trigger_flare: float = 0.85
    confounder: float = 0.08  # chance a morning reports lifting or long sitting
    confounded_flare: float = 0.35
    flare_persists: float = 0.2
    missing_morning: float = 0.05
    start: datetime = START
    # "next_morning": the trigger's flare shows in the next morning's log; "evening": in an
    # evening log 6-12 h after the session (the user then logs pain every evening after a
    # session, level 1-2 unless it flares; the next morning is back to normal).
    trigger_window: str = "next_morning"
    # Pain levels of calm and flaring logs (inclusive ranges), and the quiz's pain.
    calm_levels: tuple[int, int] = (1, 2)
    flare_levels: tuple[int, int] = (5, 7)
    quiz_pain: tuple[int, int] = (2, 3)  # back, leg
    # Whether the user logs pain after each exercise (some never do).
    after_exercise_logs: bool = True
    # Whether the history starts with a quiz (a tenant may log pain without one).
    send_quiz: bool = True
    # Chance a session reports shooting pain during one of its exercises (rule one; the bus
    # also puts such a session on the priority lane, so it may be applied ahead of others).
    rule_one: float = 0.0


@dataclass
class SimUser:
    tenant_id: str
    user_id: str
    trigger: str | None
    events: list[SimEvent] = field(default_factory=list)

    @property
    def trigger_sessions(self) -> list[SessionDone]:
        return [
            e
            for e in self.events
            if isinstance(e, SessionDone)
            and any(x.exercise_id == self.trigger for x in e.exercises)
        ]


def quiz_event(tenant_id: str, user_id: str, at: datetime, **symptoms: Any) -> QuizCompleted:
    answers = clean_answers(
        symptoms={"back_pain": 2, "leg_pain": 3, "pain_below_knee": False, **symptoms}
    )
    return QuizCompleted(
        tenant_id=tenant_id,
        user_id=user_id,
        occurred_at=at,
        response_id=uuid.UUID(int=random.Random(f"{tenant_id}{user_id}").getrandbits(128)),
        questionnaire_version="1",
        answers=QuizAnswers.model_validate(answers),
    )


def session_event(
    tenant_id: str,
    user_id: str,
    session_id: str,
    started_at: datetime,
    exercises: list[str],
    *,
    minutes: int = 40,
    qualities: dict[str, tuple[str, ...]] | None = None,
    locations: dict[str, tuple[str, ...]] | None = None,
) -> SessionDone:
    qualities = qualities or {}
    locations = locations or {}
    return SessionDone(
        tenant_id=tenant_id,
        user_id=user_id,
        occurred_at=started_at + timedelta(minutes=minutes),
        session_id=session_id,
        started_at=started_at,
        completed_at=started_at + timedelta(minutes=minutes),
        exercises=tuple(
            ExerciseDone(
                exercise_id=x,
                sets=2,
                reps=10,
                pain_during=1,
                pain_qualities=qualities.get(x, ()),  # type: ignore[arg-type]
                pain_locations=locations.get(x, ()),  # type: ignore[arg-type]
            )
            for x in exercises
        ),
    )


def pain_event(
    tenant_id: str, user_id: str, log_id: str, at: datetime, level: int, context: str, **kw: Any
) -> PainLogged:
    return PainLogged(
        tenant_id=tenant_id,
        user_id=user_id,
        occurred_at=at,
        log_id=log_id,
        observed_at=at,
        level=level,
        context=context,  # type: ignore[arg-type]
        **kw,
    )


def simulate_user(
    seed: int,
    *,
    trigger: str | None = None,
    tenant_id: str = "tn_sim",
    user_id: str | None = None,
    config: SimConfig | None = None,
) -> SimUser:
    cfg = config or SimConfig()
    rng = random.Random(seed)
    user = SimUser(tenant_id, user_id or f"sim-{seed}", trigger)
    t, u = tenant_id, user.user_id
    back, leg = cfg.quiz_pain
    if cfg.send_quiz:
        user.events.append(quiz_event(t, u, cfg.start, back_pain=back, leg_pain=leg))
    next_session_day = 1
    trigger_yesterday = False
    flared_yesterday = False
    for day in range(1, cfg.days + 1):
        midnight = cfg.start + timedelta(days=day)
        # The morning: does it flare, and what does the log say about yesterday?
        confounder = rng.random() < cfg.confounder
        causes = [
            rng.random() < cfg.background_flare,
            flared_yesterday and rng.random() < cfg.flare_persists,
            trigger_yesterday and rng.random() < cfg.trigger_flare,
            confounder and rng.random() < cfg.confounded_flare,
        ]
        flare = any(causes)
        if rng.random() >= cfg.missing_morning:
            morning = MorningContext(
                hours_sat=9.0 if confounder and rng.random() < 0.5 else float(rng.randint(2, 5)),
                heavy_lifting=confounder,
                sleep_hours=7.0,
            )
            if confounder and morning.hours_sat == 9.0:
                morning = morning.model_copy(update={"heavy_lifting": False})
            user.events.append(
                pain_event(
                    t,
                    u,
                    f"{u}-m{day}",
                    midnight + timedelta(hours=7, minutes=rng.randint(0, 90)),
                    rng.randint(*cfg.flare_levels) if flare else rng.randint(*cfg.calm_levels),
                    "next_morning",
                    locations=("lower_back", "buttock", "thigh"),
                    morning=morning,
                )
            )
        flared_yesterday = flare
        trigger_yesterday = False
        if day != next_session_day:
            continue
        next_session_day = day + rng.randint(*cfg.gap_days)
        done = [x for x in cfg.plan if rng.random() < cfg.include]
        if len(done) < 2:
            done = rng.sample(list(cfg.plan), 2)
        started = midnight + timedelta(hours=rng.randint(10, 19), minutes=rng.randint(0, 59))
        session_id = f"{u}-s{day}"
        shooting: dict[str, tuple[str, ...]] = {}
        if cfg.rule_one and rng.random() < cfg.rule_one:
            shooting[rng.choice(done)] = ("shooting",)
        session = session_event(t, u, session_id, started, done, qualities=shooting)
        user.events.append(session)
        for i, x in enumerate(done if cfg.after_exercise_logs else ()):
            user.events.append(
                pain_event(
                    t,
                    u,
                    f"{u}-s{day}-{i}",
                    session.completed_at + timedelta(minutes=2 + i),
                    rng.randint(*cfg.calm_levels),
                    "after_exercise",
                    exercise_id=x,
                    session_id=session_id,
                    qualities=("ache",),
                )
            )
        trigger_yesterday = trigger in done
        if cfg.trigger_window == "evening":
            evening_flare = trigger_yesterday and rng.random() < cfg.trigger_flare
            trigger_yesterday = False
            user.events.append(
                pain_event(
                    t,
                    u,
                    f"{u}-e{day}",
                    session.completed_at + timedelta(hours=rng.uniform(6.5, 11.5)),
                    rng.randint(*cfg.flare_levels)
                    if evening_flare
                    else rng.randint(*cfg.calm_levels),
                    "other",
                )
            )
    user.events.sort(key=event_time)
    return user


def event_time(event: SimEvent) -> datetime:
    if isinstance(event, SessionDone):
        return event.completed_at
    if isinstance(event, PainLogged):
        return event.observed_at
    return event.occurred_at


def arrival_order(
    events: list[SimEvent], rng: random.Random, *, lateness_h: float, duplicates: float = 0.1
) -> list[SimEvent]:
    """The events as they might arrive: each delayed by up to `lateness_h` behind the
    user's latest event time (so never later than the detector allows), some re-sent."""
    latest: datetime | None = None
    keyed = []
    for i, e in enumerate(sorted(events, key=event_time)):
        at = event_time(e)
        latest = at if latest is None else max(latest, at)
        # Deliverable from its own time until the latest event time passes at + lateness.
        delay = timedelta(hours=rng.uniform(0, lateness_h) * 0.98)
        keyed.append((at + delay, i, e))
        if rng.random() < duplicates:
            again = e.model_copy(update={"event_id": uuid.uuid4()})
            keyed.append((at + delay + timedelta(hours=rng.uniform(0, 200)), i, again))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [e for _, _, e in keyed]


def exercises_of(session: SessionDone) -> set[str]:
    return {x.exercise_id for x in session.exercises}
