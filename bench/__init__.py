"""`make bench`: throughput of the messaging helper and of one endpoint, next to bare baselines.

Run `PYTHONPATH=. .venv/bin/python bench/run.py --help`. Nothing here is imported by services
or tests; the figures are printed, never asserted.
"""
