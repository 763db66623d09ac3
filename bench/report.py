"""What `make bench` reports: figures paired with their bare counterparts, the median of the
per-pair ratios, a table, and var/bench/latest.json (flat keys, numbers; date and machine)."""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# key -> (comparison, threshold): the goals of issue 10. Keys not here are "report only".
GOALS: dict[str, tuple[str, float]] = {
    "bus_ratio_sqlite": (">=", 0.25),
    "bus_ratio_pg": (">=", 0.25),
    "detector_ratio_pg": (">=", 0.10),
    "ingest_ratio_sqlite": (">=", 0.5),
    "ingest_ratio_pg": (">=", 0.5),
    "ingest_p99_ratio_pg": ("<=", 2.0),
    "rule_one_p99_ms": ("<", 100.0),
    "detector_cost_ratio_users": ("<=", 1.2),
    "detector_cost_ratio_history": ("<=", 1.5),
}


def median(values: Sequence[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return statistics.median(finite) if finite else float("nan")


def ratios(ours: Sequence[float], bare: Sequence[float]) -> list[float]:
    """Per-pair ratios of interleaved runs (ours[i] was measured right after bare[i])."""
    return [o / b if b > 0 else float("nan") for o, b in zip(ours, bare, strict=True)]


def verdict(key: str, value: float) -> str:
    goal = GOALS.get(key)
    if goal is None:
        return "report"
    op, threshold = goal
    holds = {">=": value >= threshold, "<=": value <= threshold, "<": value < threshold}[op]
    return f"{'ok  ' if holds else 'MISS'} goal {op} {threshold:g}"


@dataclass(frozen=True)
class Row:
    key: str
    value: float
    ours: str = ""
    bare: str = ""
    note: str = ""


@dataclass
class Report:
    """Everything one run measured, in the order it was measured."""

    rows: list[Row] = field(default_factory=list)
    extra: dict[str, float] = field(default_factory=dict)  # absolute figures, counts
    skipped: list[str] = field(default_factory=list)

    def ratio(
        self,
        key: str,
        ours: Sequence[float],
        bare: Sequence[float],
        *,
        unit: str,
        note: str = "",
    ) -> float:
        """Record the median per-pair ratio of interleaved runs, with both medians beside."""
        value = median(ratios(ours, bare))
        self.rows.append(
            Row(key, value, f"{median(ours):,.1f} {unit}", f"{median(bare):,.1f} {unit}", note)
        )
        self.extra[f"{key}_runs"] = len(ours)
        return value

    def figure(self, key: str, value: float, *, ours: str = "", note: str = "") -> None:
        self.rows.append(Row(key, value, ours, "", note))

    def skip(self, part: str, why: str) -> None:
        self.skipped.append(f"{part}: {why}")

    def as_json(self, *, started: float, machine: str) -> dict[str, object]:
        out: dict[str, object] = {
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
            "machine": machine,
        }
        figures = [(row.key, row.value) for row in self.rows] + list(self.extra.items())
        # JSON numbers only: a figure that could not be measured (NaN) is left out.
        out.update({k: round(v, 4) for k, v in figures if math.isfinite(v)})
        out["total_s"] = round(time.time() - started, 1)
        return out

    def table(self) -> list[str]:
        lines = [f"{'key':<30}{'value':>10}  {'ours':>18}  {'bare':>18}  {'verdict':<16} note"]
        for row in self.rows:
            lines.append(
                f"{row.key:<30}{row.value:>10.3f}  {row.ours:>18}  {row.bare:>18}  "
                f"{verdict(row.key, row.value):<16} {row.note}"
            )
        lines += [f"skipped  {s}" for s in self.skipped]
        return lines


def machine() -> str:
    return (
        f"{platform.node()} {os.cpu_count()} cpus {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def write_json(path: Path, data: dict[str, object]) -> None:
    """Written whole, then renamed: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


Progress = Callable[[str], None]
