# Two commands a fresh machine needs: `make demo` and `make test`.
# Each does all of its own set-up (system packages, virtual environment, Python packages).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STORE ?= store
DEMO_OUT ?= out

.PHONY: setup system demo demo-server test lint bench clean

setup: system $(STAMP)

system:
	@bash scripts/setup-system.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: setup
	$(BIN)/evidence --store $(DEMO_STORE) demo --out $(DEMO_OUT)

# The same demo in server mode: the metadata and search in a private PostgreSQL (scripts/pg-local.sh, left running
# for `evidence serve`; stop it with `bash scripts/pg-local.sh stop`), the originals in $(DEMO_STORE)-server.
demo-server: setup
	EVIDENCE_DATABASE_URL="$$(bash scripts/pg-local.sh start)" \
	  $(BIN)/evidence --store $(DEMO_STORE)-server demo --out $(DEMO_OUT)-server

# The layer order (import-linter), lint and format (ruff), types (mypy), then the suite.
lint: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# The suite on the store's own SQLite file, then again in server mode against a private PostgreSQL that the tests
# start from the distribution's binaries (tests/pg_support.py; SQLite-only tests are skipped there).
test: lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)
	EVIDENCE_TEST_DATABASE=postgresql $(BIN)/python -m pytest -q $(PYTEST_ARGS) $(PG_TESTS)

bench: setup
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_OUT) build src/*.egg-info
