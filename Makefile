# The two commands a newcomer needs: `make run` and `make test`. Everything else is tooling.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)

.PHONY: install run test test-loaded test-fast lint format typecheck asyncapi openapi sdk bench bench-flares lock clean

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python deploy/local/run.py

# With the coverage of shared/ and services/, held to the floor of pyproject.toml's
# [tool.coverage.report] (README.md, "Tests", says why that one).
test: install
	$(BIN)/python -m pytest -q --cov=shared --cov=services

# The suite on a loaded machine, as CI's: two CPU-bound processes keep both cores busy
# meanwhile (scripts/burn_cpu.py; they stop with the suite, or after 40 minutes at most).
test-loaded: install
	$(BIN)/python scripts/burn_cpu.py --workers 2 --max-seconds 2400 -- $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy

asyncapi: install
	@mkdir -p docs
	$(BIN)/python -m shared.events.asyncapi > docs/asyncapi.json
	@echo "wrote docs/asyncapi.json"

# The public OpenAPI document, merged from the services (what /openapi.json serves).
openapi: install
	@mkdir -p docs
	$(BIN)/python -m deploy.public_api > docs/openapi.json
	@echo "wrote docs/openapi.json"

# The typed Python client, generated from that document into clients/python (deploy/sdk.py);
# commit it with the change that made it differ (tests/unit/test_sdk_fresh.py checks).
sdk: install
	$(BIN)/python -m deploy.sdk

# One part or a few: make bench BENCH_ARGS="--only bus,ingest" (bench/run.py --help lists them).
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-flares: install
	$(BIN)/python bench/flare_sim.py

# Re-pin after changing pyproject.toml's dependencies.
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
		--output-file requirements.lock --quiet

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
