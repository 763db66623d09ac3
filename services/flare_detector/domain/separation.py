"""Telling exercises apart at a checkpoint (DOMAIN.md section 4, "Consistently precedes":
sessions contain several exercises, so the evidence must separate them using the sessions that
differed): whose sessions are set aside when an exercise is judged (`aside_for`), which
passing exercise no other explains (`strongest_separated`), and the exercises the sessions
cannot tell apart (`unseparable`). The greedy blame that uses them is domain/decisions.py's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from services.flare_detector.domain.exercise_evidence import (
    INFORMATIVE,
    Evidence,
    Tally,
    evidence,
)
from services.flare_detector.domain.rules import Rules


def aside_for(
    e: str,
    blamed: Sequence[str],
    sessions: Sequence[Tally],
    rules: Rules,
    fixed: frozenset[str] = frozenset(),
) -> list[str]:
    """The blamed exercises whose sessions are set aside when judging `e`: their flares are
    explained by them. A rule-one removal (`fixed`) always; a delayed one unless `e` beats
    it head to head (the sessions with `e` but not it flare more often than those with it
    but not `e`), so that an exercise blamed on flares that `e` explains better (it was
    done alongside `e`) does not hide `e`'s evidence."""
    return [
        b
        for b in blamed
        if b != e and (b in fixed or not _beats(e, b, sessions, fixed - {e, b}, rules))
    ]


def strongest_separated(
    passing: dict[str, tuple[str, Evidence]],
    others: Sequence[str],
    sessions: Sequence[Tally],
    blamed: list[str],
    rules: Rules,
    fixed: frozenset[str],
) -> str | None:
    """The passing exercise with the smallest p-value that no other exercise explains.

    Two exercises are compared head to head on the sessions that separate them (one without
    the other): `f` explains `e` when the sessions with `f` but without `e` flare at least as
    often as the sessions with `e` but without `f` (rates with half a flare added to each
    side, so that one or two sessions cannot decide it alone). When the two were only ever
    done together, nothing separates them: `e` is explained if `f` passes too (neither is
    blamed until other sessions separate them)."""
    eligible = [
        e
        for e in passing
        if not any(
            _explains(f, e, sessions, blamed, f in passing, rules, fixed) for f in others if f != e
        )
    ]
    if not eligible:
        return None
    return min(eligible, key=lambda e: (passing[e][1].p_value, e))


def _explains(
    f: str,
    e: str,
    sessions: Sequence[Tally],
    blamed: list[str],
    f_passes: bool,
    rules: Rules,
    fixed: frozenset[str],
) -> bool:
    aside = set(aside_for(e, blamed, sessions, rules, fixed)) - {e, f}
    e_only, f_only = _apart(e, f, sessions, aside)
    if e_only[1] == 0 and f_only[1] == 0:
        return f_passes
    return _rate(f_only) >= _rate(e_only)


def _beats(e: str, f: str, sessions: Sequence[Tally], aside: Iterable[str], rules: Rules) -> bool:
    """`e` clearly flares more often than `f` in the sessions that separate them: at least
    `suspect_min_flares` flares there, and a rate higher by `suspect_margin`."""
    e_only, f_only = _apart(e, f, sessions, set(aside))
    return (
        e_only[0] >= rules.suspect_min_flares
        and _rate(e_only) - _rate(f_only) >= rules.suspect_margin
    )


def _apart(
    e: str, f: str, sessions: Sequence[Tally], aside: set[str]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """(flares, sessions) with `e` but not `f`, and with `f` but not `e`. As in `evidence`,
    a confounded flare does not count against `e`, but does against `f`."""
    e_flares = e_only = f_flares = f_only = 0
    for s in sessions:
        if s.outcome not in INFORMATIVE or aside.intersection(s.exercises):
            continue
        has_e, has_f = e in s.exercises, f in s.exercises
        if has_e and not has_f:
            e_only += s.count
            e_flares += s.count * (s.outcome == "flare")
        elif has_f and not has_e:
            f_only += s.count
            f_flares += s.count * (s.outcome in ("flare", "confounded"))
    return (e_flares, e_only), (f_flares, f_only)


def _rate(counts: tuple[int, int]) -> float:
    """A flare rate with half a flare added, so that one or two sessions cannot decide."""
    return (counts[0] + 0.5) / (counts[1] + 1)


@dataclass(frozen=True, slots=True)
class Unseparable:
    """An exercise with flares after it that the sessions cannot tell apart from others
    (`together`: the blamed exercises it was always done with)."""

    exercise_id: str
    reason: str
    together: tuple[str, ...] = ()


def unseparable(
    sessions: Sequence[Tally], blamed: Sequence[str], rules: Rules
) -> list[Unseparable]:
    """Exercises with flares after them that the sessions cannot tell apart from others."""
    found = []
    exercises = sorted({e for s in sessions for e in s.exercises})
    for e in exercises:
        if e in blamed:
            continue
        alone = evidence(e, sessions)
        if alone.flares_after < rules.suspect_min_flares:
            continue
        if alone.sessions_without == 0:
            found.append(Unseparable(e, "done in every session"))
            continue
        aside = evidence(e, sessions, blamed)
        if aside.exposures == 0:
            together = [
                b
                for b in blamed
                if all(
                    b in s.exercises
                    for s in sessions
                    if e in s.exercises and s.outcome in INFORMATIVE
                )
            ]
            found.append(Unseparable(e, "never done without", tuple(together or blamed)))
    return found
