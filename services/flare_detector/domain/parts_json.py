"""The summary's parts as JSON: `History.cold` (domain/cold_days.py) as the summary's row
keeps it (domain/history_json.py stores the rest of the row), and a part's units as stored
beside the part (its records are a `History` in history_json.py's form).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from services.flare_detector.domain.cold_days import DAY, KIND, ColdDays, UnitKey
from services.flare_detector.domain.history import History, SessionOutcome
from services.flare_detector.domain.records import Session

OUTCOMES = ("flare", "confounded", "in_flare", "calm", "unobserved")


def part_units(part: History) -> list[Any]:
    """A part's units as stored beside it (all an event applied to the summary reads of a
    part): [time, exercises, outcome, rest] each."""
    return [
        [u.session.at.isoformat(), list(u.session.exercises), OUTCOMES.index(u.outcome), u.rest]
        for u in part.units.values()
    ]


def load_units(data: list[Any]) -> list[SessionOutcome]:
    found = []
    for at, exercises, outcome, rest in data:
        when = datetime.fromisoformat(at)
        stub = Session("", when, when, tuple(exercises))
        found.append(SessionOutcome(stub, OUTCOMES[outcome], (), rest))
    return found


def _dump_counter(counts: Counter[UnitKey]) -> list[Any]:
    return [[list(e), OUTCOMES.index(o), int(r), n] for (e, o, r), n in sorted(counts.items())]


def _load_counter(data: list[Any]) -> Counter[UnitKey]:
    return Counter({(tuple(e), OUTCOMES[o], bool(r)): n for e, o, r, n in data})


def dump_parts(cold: ColdDays | None) -> dict[str, Any] | None:
    if cold is None:
        return None
    return {
        "rules": cold.rules,
        "parts": [cold.parts[k] for k in sorted(cold.parts)],
        "totals": {k: _dump_counter(t) for k, t in sorted(cold.totals.items())},
        "edges": dict(sorted(cold.edges.items())),
        "exposures": dict(sorted(cold.exposure_counts.items())),
    }


def load_parts(data: dict[str, Any] | None) -> ColdDays | None:
    if data is None:
        return None
    return ColdDays(
        parts={(p[DAY], p[KIND]): p for p in data["parts"]},
        rules=data["rules"],
        totals={k: _load_counter(t) for k, t in data["totals"].items()},
        edges=dict(data["edges"]),
        exposure_counts=Counter(data["exposures"]),
    )
