"""The flare detector against simulated users: false removals and detection, printed.

PYTHONPATH=. .venv/bin/python bench/flare_sim.py [--users 200] [--days 42] [--seed 0]
    [--scenario default|noisy|evening|daily|rare-weak|higher-baseline|sparse-logs|
    no-quiz|all]

For each scenario (SCENARIOS below; all by default), `--users` users without a trigger
(background flares, confounders) and as many with a hidden trigger (by default a
next-morning flare with probability 0.85, after-exercise logs at 1-2), each
history is fed event by event, in event-time order, through the same pure loop the service
runs (services/flare_detector/domain/detector.py). Prints the false-removal rate, the
detection rate, the median exposures to detection (counted as sessions with the trigger
done before the removal was emitted, and as exposures in the evidence), and the time per
user. Figures are printed, never asserted; it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.flare_detector.domain.decisions import advance, checkpoints_due
from services.flare_detector.domain.detector import ingest
from services.flare_detector.domain.flares import classify, settle
from services.flare_detector.domain.history import History
from services.flare_detector.domain.history_json import dump_history
from services.flare_detector.domain.records import Observation, Session
from services.flare_detector.domain.report import describe_flares
from services.flare_detector.domain.rules import Rules
from shared.events.painlog import SessionDone
from tests.factories.flare_sim import (
    PLAN,
    START,
    SimConfig,
    SimEvent,
    exercises_of,
    pain_event,
    session_event,
    simulate_user,
)

TRIGGER = "hip-hinge"
MIGRATIONS = Path(__file__).resolve().parents[1] / "services" / "flare_detector" / "migrations"


@dataclass
class Result:
    removed: dict[tuple[str, str, str], tuple[int, int]]  # key -> (exposures done, in evidence)
    seconds: float


def run_user(seed: int, trigger: str | None, cfg: SimConfig, rules: Rules) -> Result:
    user = simulate_user(seed, trigger=trigger, config=cfg)
    started = time.perf_counter()
    history = History()
    exposures = 0
    removed: dict[tuple[str, str, str], tuple[int, int]] = {}
    for event in user.events:
        if trigger and isinstance(event, SessionDone) and trigger in exercises_of(event):
            exposures += 1
        for d in ingest(history, event, rules).removals:
            removed.setdefault(d.key, (exposures, d.evidence.exposures))
    return Result(removed, time.perf_counter() - started)


def median(values: list[int]) -> str:
    return f"{statistics.median(values):.1f}" if values else "-"


SCENARIOS: dict[str, dict[str, object]] = {
    # The default: sessions every 1-3 days, 60% of the plan each time, next-morning trigger.
    "default": {},
    # Twice the background flares.
    "noisy": {"background_flare": 0.12},
    # The trigger's flare shows in an evening log 6-12 h after the session instead.
    "evening": {"trigger_window": "evening"},
    # A session every day (no rest mornings to compare with).
    "daily": {"gap_days": (1, 1)},
    # The trigger is done in only 40% of the sessions, and flares 70% of the time.
    "rare-weak": {"include": 0.4, "trigger_flare": 0.7},
    # Everyday pain at 3-4 (the quiz says 4 and 4), flares at 6-8.
    "higher-baseline": {"calm_levels": (3, 4), "flare_levels": (6, 8), "quiz_pain": (4, 4)},
    # No pain logged after exercises, and a fifth of the mornings not logged either.
    "sparse-logs": {"after_exercise_logs": False, "missing_morning": 0.2},
    # No quiz, everyday pain at 3-4: the baseline has to come from the mornings alone.
    "no-quiz": {"send_quiz": False, "calm_levels": (3, 4), "flare_levels": (6, 8)},
}


def run_scenario(name: str, cfg: SimConfig, rules: Rules, users: int, base: int) -> None:
    nulls = [run_user(base + i, None, cfg, rules) for i in range(users)]
    triggered = [run_user(base + 50_000 + i, TRIGGER, cfg, rules) for i in range(users)]
    false_users = sum(1 for r in nulls if r.removed)
    key_s, key_c = (TRIGGER, "delayed", "suspected"), (TRIGGER, "delayed", "confirmed")
    suspected = [r.removed[key_s] for r in triggered if key_s in r.removed]
    confirmed = [r.removed[key_c] for r in triggered if key_c in r.removed]
    collateral = sum(1 for r in triggered if any(k[0] != TRIGGER for k in r.removed))
    seconds = [r.seconds for r in nulls + triggered]
    n = users
    print(f"[{name}] {n} users without a trigger, {n} with one; {cfg.days} days each")
    print(
        f"  background flare rate per morning {cfg.background_flare:.2f}, trigger flare "
        f"{cfg.trigger_flare:.2f} ({cfg.trigger_window}), exercise done per session "
        f"{cfg.include:.2f}, days between sessions {cfg.gap_days[0]}-{cfg.gap_days[1]}"
    )
    print(
        f"  false removal (users without a trigger with any removal): "
        f"{false_users}/{n} = {false_users / n:.1%}"
    )
    print(f"  detection (trigger suspected):  {len(suspected)}/{n} = {len(suspected) / n:.1%}")
    print(f"  detection (trigger confirmed):  {len(confirmed)}/{n} = {len(confirmed) / n:.1%}")
    print(
        f"  median exposures to suspected: {median([s[0] for s in suspected])} done before "
        f"the removal was emitted, {median([s[1] for s in suspected])} in its evidence"
    )
    print(
        f"  median exposures to confirmed: {median([c[0] for c in confirmed])} done, "
        f"{median([c[1] for c in confirmed])} in its evidence"
    )
    print(
        f"  users with a trigger where another exercise was also removed: "
        f"{collateral}/{n} = {collateral / n:.1%}"
    )
    print(
        f"  time per user (whole history, event by event): "
        f"median {statistics.median(seconds) * 1000:.0f} ms, max {max(seconds) * 1000:.0f} ms"
    )


def heavy_history(rules: Rules) -> History:
    """A heavy user: 400 sessions (7 a day), each with 3 after-exercise logs, and 300 morning
    logs (1,500 observations); classes settled and every due checkpoint evaluated."""
    h = History()
    for n in range(400):
        at = START + timedelta(days=n / 7, hours=9)
        exercises = tuple(sorted({PLAN[i] for i in range(8) if (n >> (i % 5)) & 1} | {PLAN[n % 8]}))
        h.sessions[f"s{n}"] = Session(f"s{n}", at - timedelta(minutes=20), at, exercises)
        for i in range(3):
            h.observations[f"a{n}-{i}"] = Observation(
                f"a{n}-{i}",
                at + timedelta(minutes=1 + i),
                1 + (n + i) % 2,
                "after_exercise",
                exercise_id=PLAN[i],
            )
    for d in range(300):
        at = START + timedelta(days=d / 5, hours=7.5 + d % 5)
        h.observations[f"m{d}"] = Observation(f"m{d}", at, 6 if d % 9 == 0 else 1, "next_morning")
    h.latest = max(o.at for o in h.observations.values())
    settle(h, classify(h, rules), rules)
    h.last_checkpoint = max(checkpoints_due(h, rules), default=None)
    return h


def heavy_figures(rules: Rules) -> None:
    """Time per event on a heavy history: what the service spends inside the transaction
    that holds the user's history row."""
    cases = {
        "a next-morning log (closes the checkpoints due)": lambda h: pain_event(
            "tn_sim", "u", "next", h.latest + timedelta(hours=20), 1, "next_morning"
        ),
        "a log 2 days later than the allowed lateness (replays them)": lambda h: pain_event(
            "tn_sim", "u", "late", h.latest - rules.lateness - timedelta(days=2), 2, "other"
        ),
    }
    print("heavy user: 400 sessions (7 a day), 1,500 pain logs")
    for label, make in cases.items():
        seconds = []
        for _ in range(3):
            history = heavy_history(rules)
            started = time.perf_counter()
            ingest(history, make(history), rules)
            seconds.append(time.perf_counter() - started)
        print(f"  {label}: median {statistics.median(seconds) * 1000:.0f} ms of 3")
    history = heavy_history(rules)
    started = time.perf_counter()
    describe_flares(history, rules, [])
    print(f"  GET /flares report: {(time.perf_counter() - started) * 1000:.0f} ms")


def history_with(sessions: int, rules: Rules) -> History:
    """A user with `sessions` sessions kept as the service keeps them: one every 48 h, or as
    often as needed to fit them into the retention (at most about 7.7 a day: the per-day
    bound is 8), each with 3 after-exercise logs, and a morning log every day; classes
    settled and every due checkpoint evaluated (closed outcomes kept)."""
    step = max(timedelta(hours=3.1), min(timedelta(hours=48), timedelta(days=55) / sessions))
    h = History()
    end = START
    for n in range(sessions):
        at = START + step * n + timedelta(hours=9)
        exercises = tuple(sorted({PLAN[i] for i in range(8) if (n >> (i % 5)) & 1} | {PLAN[n % 8]}))
        h.add(Session(f"s{n}", at - timedelta(minutes=20), at, exercises))
        for i in range(3):
            h.add(
                Observation(
                    f"a{n}-{i}",
                    at + timedelta(minutes=1 + i),
                    1 + (n + i) % 2,
                    "after_exercise",
                    exercise_id=PLAN[i],
                )
            )
        end = at
    for d in range(int((end - START) / timedelta(days=1)) + 1):
        at = START + timedelta(days=d, hours=7.5)
        h.add(Observation(f"m{d}", at, 6 if d % 9 == 0 else 1, "next_morning"))
    h.prune(rules)
    classes = classify(h, rules)
    settle(h, classes, rules)
    advance(h, classes, rules)
    return h


def next_events(history: History, tenant_id: str, user_id: str, count: int) -> list[SimEvent]:
    """What the same user sends next: alternately a session (with an after-exercise log) and
    a next-morning log, each later than the last, so each moves the watermark and closes
    the checkpoints due, as the daily traffic of a user does."""
    assert history.latest is not None
    out: list[SimEvent] = []
    at = history.latest
    for i in range(count):
        at += timedelta(hours=10)
        if i % 2:
            out.append(pain_event(tenant_id, user_id, f"next-m{i}", at, 1 + i % 2, "next_morning"))
        else:
            out.append(
                session_event(tenant_id, user_id, f"next-s{i}", at, list(PLAN[i % 3 : i % 3 + 4]))
            )
    return out


async def handler_cost(
    database_url: str, sessions: int, events: int = 30, rules: Rules | None = None
) -> float:
    """Median seconds per event through the real handler (service.apply_events, one event
    per batch, each in its own unit of work: lock, load, apply, save, emit, commit) for a
    user whose stored history holds `sessions` sessions (`history_with`). The database at
    `database_url` is migrated; the user is tenant `tn_cost`, user `cost-<sessions>-<id>`."""
    from services.flare_detector import service, store
    from shared.db.database import Database

    rules = rules or Rules()
    db = Database(
        database_url,
        service="flare_detector",
        metadata=store.metadata,
        tables=store.platform,
        migrations=MIGRATIONS,
    )
    await db.migrate()
    tenant, user = "tn_cost", f"cost-{sessions}-{uuid.uuid4().hex[:8]}"
    history = history_with(sessions, rules)
    async with db.unit_of_work() as uow:
        now = datetime.now(UTC)
        locked = await store.lock_histories(uow.session, [(tenant, user)], now)
        version = locked[(tenant, user)].version
        await store.save_histories(
            uow.session, {(tenant, user): (dump_history(history), version)}, now
        )
    seconds = []
    for event in next_events(history, tenant, user, events):
        started = time.perf_counter()
        async with db.unit_of_work() as uow:
            await service.apply_events(uow, [event], rules)
        seconds.append(time.perf_counter() - started)
    await db.dispose()
    return statistics.median(seconds)


def handler_figures(database_url: str, sizes: list[int]) -> None:
    print(f"per-event cost of the real handler ({database_url.split(':')[0]}):")
    costs = {}
    for n in sizes:
        history = history_with(n, Rules())
        costs[n] = asyncio.run(handler_cost(database_url, n))
        print(
            f"  {n} sessions ({len(history.sessions)} kept, {len(history.observations)} logs): "
            f"median {costs[n] * 1000:.1f} ms per event"
        )
    if len(sizes) > 1:
        print(f"  ratio {sizes[-1]} / {sizes[0]}: {costs[sizes[-1]] / costs[sizes[0]]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--days", type=int, default=42)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--scenario", choices=[*SCENARIOS, "all"], default="all", help="which simulated users"
    )
    parser.add_argument(
        "--handler-cost",
        default="",
        help="comma-separated session counts: only measure the real handler's per-event cost",
    )
    parser.add_argument("--database-url", default="sqlite+aiosqlite:///var/bench-flares.db")
    args = parser.parse_args()
    if args.handler_cost:
        handler_figures(args.database_url, [int(n) for n in args.handler_cost.split(",")])
        return
    rules = Rules()
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    for name in names:
        cfg = replace(SimConfig(), days=args.days, **SCENARIOS[name])  # type: ignore[arg-type]
        run_scenario(name, cfg, rules, args.users, args.seed * 100_000)
    heavy_figures(rules)


if __name__ == "__main__":
    main()
