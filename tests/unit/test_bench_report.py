"""The bench's arguments, ratios and JSON file: quick, no Redis, no database, no timing."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.report import Report, median, ratios, verdict, write_json
from bench.run import PARTS, parse_args


def test_only_picks_the_named_parts_in_the_order_given() -> None:
    args = parse_args(["--only", "ingest, bus"])
    assert args.only == ("ingest", "bus")


def test_no_only_runs_every_part() -> None:
    assert parse_args([]).only == PARTS


def test_an_unknown_part_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--only", "bus,warp"])
    assert "warp" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["--repeats", "0"], ["--repeats", "50"], ["--concurrency", "5000"], ["--users-large", "10"]],
)
def test_unbounded_counts_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)


def test_ratio_is_the_median_of_the_interleaved_pairs() -> None:
    report = Report()
    value = report.ratio("bus_ratio_sqlite", [10, 40, 30], [100, 100, 100], unit="ev/s")
    assert value == pytest.approx(0.3)
    assert ratios([1, 2], [2, 0])[0] == 0.5 and math.isnan(ratios([1, 2], [2, 0])[1])
    assert median([float("nan"), 1.0, 3.0]) == 2.0


def test_verdicts_follow_the_goals_of_the_issue() -> None:
    assert verdict("bus_ratio_pg", 0.3).startswith("ok")
    assert verdict("bus_ratio_pg", 0.2).startswith("MISS")
    assert verdict("rule_one_p99_ms", 100.0).startswith("MISS")
    assert verdict("planner_ratio_pg", 0.01) == "report"


def test_json_is_flat_numbers_with_date_and_machine(tmp_path: Path) -> None:
    report = Report()
    report.ratio("ingest_ratio_pg", [50.0], [100.0], unit="req/s")
    report.figure("rule_one_p99_ms", float("nan"))
    report.extra["detector_cost_users_large"] = 1_000_000
    path = tmp_path / "bench" / "latest.json"
    write_json(path, report.as_json(started=0.0, machine="test box"))
    data = json.loads(path.read_text())
    assert data["ingest_ratio_pg"] == 0.5
    assert data["detector_cost_users_large"] == 1_000_000
    assert "rule_one_p99_ms" not in data  # not measured: left out, never NaN
    assert isinstance(data["date"], str) and data["machine"] == "test box"
    assert all(isinstance(v, int | float) for k, v in data.items() if k not in ("date", "machine"))
