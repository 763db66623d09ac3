"""`make bench`: the real paths (the subscribe helper, the detector, planner and painlog
services, rule one through all six) next to bare baselines, as ratios, on SQLite and
PostgreSQL; written to var/bench/latest.json. `make bench-flares`: bench/flare_sim.py.

Run `PYTHONPATH=. .venv/bin/python bench/run.py --help`. Nothing here is imported by services;
tests/unit/test_bench_report.py checks the arguments and the report. Figures are printed,
never asserted.
"""
