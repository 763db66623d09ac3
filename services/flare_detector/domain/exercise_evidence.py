"""The evidence per exercise, from the counted outcomes of a checkpoint's lookback (`Tally`),
and its statistics (DOMAIN.md section 4, "Consistently precedes"). The outcomes are
domain/attribution.py's; what a removal records of the evidence is domain/evidence.py's.

Evidence for exercise `e`, among informative sessions (flare, confounded, calm) that contain
none of the exercises in `set_aside` (exercises already blamed: their flares are explained):
exposures and flares after it (a confounded flare counts as an exposure without a flare, so a
confounder weighs against blaming `e`), and sessions and flares without it (there a confounded
flare still counts as a flare: a confounder never makes an exercise look worse).
The statistic is a one-sided Fisher exact test: the probability of at least this many of the
flares falling after sessions with `e` if `e` made no difference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import comb, exp, lgamma

from services.flare_detector.domain.history import SessionOutcome

INFORMATIVE = ("flare", "confounded", "calm")


@dataclass(frozen=True)
class Tally:
    """Closed outcomes with the same exercises, outcome and kind (session or rest morning),
    counted. The attribution's arithmetic reads nothing else of a unit, so a checkpoint judges
    a handful of tallies, however many sessions the lookback holds."""

    exercises: tuple[str, ...]  # sorted, unique
    outcome: str
    rest: bool
    count: int


def tally(units: Iterable[SessionOutcome]) -> list[Tally]:
    """Units counted by (exercises, outcome, kind), in a fixed order."""
    counts = Counter((u.session.exercises, u.outcome, u.rest) for u in units)
    return tally_counts(counts)


def tally_counts(counts: Counter[tuple[tuple[str, ...], str, bool]]) -> list[Tally]:
    return [Tally(e, o, r, n) for (e, o, r), n in sorted(counts.items()) if n > 0]


@dataclass(frozen=True)
class Evidence:
    exercise_id: str
    exposures: int
    flares_after: int
    confounded_after: int
    sessions_without: int
    flares_without: int
    p_value: float
    set_aside: tuple[str, ...]
    rest_mornings: int = 0
    rest_flares: int = 0
    # P(this exercise is the one that brings flares | the sessions), against each other one
    # and none (see `posterior_share`); 1.0 when not computed.
    share: float = 1.0

    @property
    def rate_with(self) -> float:
        return self.flares_after / self.exposures if self.exposures else 0.0

    @property
    def controls(self) -> int:
        """Sessions without the exercise and rest mornings: what it is compared with."""
        return self.sessions_without + self.rest_mornings

    @property
    def control_flares(self) -> int:
        return self.flares_without + self.rest_flares

    @property
    def rate_without(self) -> float:
        return self.control_flares / self.controls if self.controls else 0.0

    @property
    def difference(self) -> float:
        return self.rate_with - self.rate_without


def evidence(
    exercise_id: str,
    sessions: Sequence[Tally],
    set_aside: Iterable[str] = (),
) -> Evidence:
    aside = tuple(sorted(set(set_aside) - {exercise_id}))
    pool = [
        s for s in sessions if s.outcome in INFORMATIVE and not set(aside).intersection(s.exercises)
    ]
    exposures = flares_after = confounded_after = 0
    without = flares_without = rest = rest_flares = 0
    for s in pool:
        flared = s.outcome in ("flare", "confounded")
        if s.rest:
            rest += s.count
            rest_flares += s.count * flared
        elif exercise_id in s.exercises:
            exposures += s.count
            flares_after += s.count * (s.outcome == "flare")
            confounded_after += s.count * (s.outcome == "confounded")
        else:
            without += s.count
            flares_without += s.count * flared
    return Evidence(
        exercise_id=exercise_id,
        exposures=exposures,
        flares_after=flares_after,
        confounded_after=confounded_after,
        sessions_without=without,
        flares_without=flares_without,
        p_value=fisher_one_sided(
            flares_after, exposures, flares_without + rest_flares, without + rest
        ),
        set_aside=aside,
        rest_mornings=rest,
        rest_flares=rest_flares,
    )


def fisher_one_sided(k_with: int, n_with: int, k_without: int, n_without: int) -> float:
    """P(at least `k_with` of all the flares fall in the `n_with` exposed sessions) when the
    flares are spread over the sessions regardless of exposure (hypergeometric tail)."""
    total, flares = n_with + n_without, k_with + k_without
    if n_with == 0 or flares == 0:
        return 1.0
    denominator = comb(total, n_with)
    tail = sum(
        comb(flares, x) * comb(total - flares, n_with - x)
        for x in range(k_with, min(flares, n_with) + 1)
    )
    return tail / denominator


def posterior_share(
    exercise_id: str,
    sessions: Sequence[Tally],
    rivals: Iterable[str],
    set_aside: Iterable[str] = (),
) -> float:
    """How much of the evidence points at `exercise_id` rather than at a rival, or at none.

    On the informative sessions (and rest mornings) not set aside, each hypothesis "only
    exercise g changes the flare rate" has the marginal likelihood of two flare rates with
    uniform priors (sessions with g, the rest); "none" has one rate for all. With equal prior
    weights, the share is the posterior probability of `exercise_id`'s hypothesis. Exercises
    that were always done together share it equally, so neither gets the majority until
    sessions separate them: this is how co-occurrence is conditioned on."""
    aside = set(set_aside) - {exercise_id}
    pool = [s for s in sessions if s.outcome in INFORMATIVE and not aside.intersection(s.exercises)]
    if not pool:
        return 0.0
    total = sum(s.count for s in pool)
    flares_any = sum(s.count for s in pool if s.outcome in ("flare", "confounded"))
    log_none = _log_beta(flares_any, total - flares_any)
    logs: dict[str, float] = {}
    for g in {exercise_id, *rivals}:
        n_with = k_with = k_conf = 0
        for s in pool:
            if g in s.exercises:
                n_with += s.count
                k_with += s.count * (s.outcome == "flare")
                k_conf += s.count * (s.outcome == "confounded")
        if n_with == 0:
            continue
        # A confounded flare counts as no flare with g, as a flare without it (as above).
        n_wo, k_wo = total - n_with, flares_any - k_with - k_conf
        logs[g] = _log_beta(k_with, n_with - k_with) + _log_beta(k_wo, n_wo - k_wo)
    if exercise_id not in logs:
        return 0.0
    top = max(log_none, *logs.values())
    weights = {g: exp(v - top) for g, v in logs.items()}
    return weights[exercise_id] / (exp(log_none - top) + sum(weights.values()))


def _log_beta(successes: int, failures: int) -> float:
    """log of the Beta(1, 1) marginal likelihood of a sequence with these counts."""
    return lgamma(successes + 1) + lgamma(failures + 1) - lgamma(successes + failures + 2)
