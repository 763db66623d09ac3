"""How many of an ordinary batch's events one transaction takes, in a service with a priority
lane.

An ordinary batch applied in one transaction holds SQLite's single writer lock, and the
event loop between its statements, for as long as all its events take (a 500-event batch of
the flare detector: ~0.1 s here). A rule-one report arriving meanwhile waited all of that.
Applied in slices that each take about `budget_s`, committed one after the other in stream
order, it waits for one slice at most: the writer lock hands itself to an urgent writer
before the next slice (`shared.db.writer_lock`). Each slice's size follows the time the
last ones held the lock per event (a moving average), so it adapts to the handler and the
load.
"""

from __future__ import annotations

# Before anything is measured: small enough that a first batch cannot hold the lock long.
FIRST_SLICE = 16
# Never fewer: a transaction has a fixed cost (its claim, its loads, its commit: a few ms on
# SQLite), and slices much smaller would spend the consumer's time on it and fall behind.
FEWEST = 16
# The weight of the newest slice in the moving average of seconds per event.
WEIGHT = 0.3


class SlicePacer:
    def __init__(self, budget_s: float, *, most: int) -> None:
        self.budget_s = budget_s
        self.most = most
        self.per_event_s: float | None = None

    def size(self) -> int:
        """How many events the next slice takes (at least `FEWEST`, at most `most`)."""
        if self.per_event_s is None:
            return min(FIRST_SLICE, self.most)
        if self.per_event_s <= 0:
            return self.most
        return max(min(FEWEST, self.most), min(self.most, int(self.budget_s / self.per_event_s)))

    def observe(self, events: int, held_s: float) -> None:
        """A slice of `events` held the writer `held_s` seconds, its commit included."""
        if events <= 0:
            return
        cost = held_s / events
        if self.per_event_s is None:
            self.per_event_s = cost
        else:
            self.per_event_s += WEIGHT * (cost - self.per_event_s)
