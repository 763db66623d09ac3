"""What changed between two plan versions: added, dropped, replaced, dose changes."""

from __future__ import annotations

from typing import Literal

from services.planner.domain.library import Library, Phase
from services.planner.domain.plan import Plan
from shared.events.base import Frozen


class Replacement(Frozen):
    exercise_id: str
    replaced_by: str
    # regression: an easier variant of the same family; alternative: same category.
    how: Literal["regression", "variant", "alternative"]


class PlanChanges(Frozen):
    added: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    replaced: tuple[Replacement, ...] = ()
    dose_changed: tuple[str, ...] = ()
    phase_from: Phase | None = None
    phase_to: Phase | None = None

    @property
    def exercises_changed(self) -> bool:
        return bool(self.added or self.dropped or self.dose_changed)


def diff_plans(before: Plan | None, after: Plan, library: Library) -> PlanChanges:
    if before is None:
        return PlanChanges(added=after.exercise_ids, phase_to=after.phase)
    old = {e.exercise_id: e for e in before.exercises}
    new = {e.exercise_id: e for e in after.exercises}
    dropped = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    free = list(added)
    replaced: list[Replacement] = []
    for gone in dropped:
        match = _replacement(gone, free, library)
        if match is not None:
            replaced.append(match)
            free.remove(match.replaced_by)
    return PlanChanges(
        added=tuple(added),
        dropped=tuple(dropped),
        replaced=tuple(replaced),
        dose_changed=tuple(sorted(i for i in set(old) & set(new) if old[i].dose != new[i].dose)),
        phase_from=before.phase if before.phase != after.phase else None,
        phase_to=after.phase if before.phase != after.phase else None,
    )


def _replacement(gone: str, candidates: list[str], library: Library) -> Replacement | None:
    was = library.get(gone)
    if was is None:
        return None
    same_family = [c for c in candidates if (e := library.get(c)) and e.family == was.family]
    easier = [c for c in same_family if library.depth[c] < library.depth[gone]]
    if easier:
        best = max(easier, key=lambda c: (library.depth[c], c))
        return Replacement(exercise_id=gone, replaced_by=best, how="regression")
    if same_family:
        return Replacement(exercise_id=gone, replaced_by=same_family[0], how="variant")
    same_category = [c for c in candidates if (e := library.get(c)) and e.category == was.category]
    if same_category:
        return Replacement(exercise_id=gone, replaced_by=same_category[0], how="alternative")
    return None
