# The two commands a newcomer needs: `make demo` and `make test`.
# Everything installs into .venv from PyPI, pinned by requirements.lock.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: demo demo-reset test lint typecheck unit serve clean lock bench bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: pyproject.toml requirements.lock | $(BIN)/python
	@echo "Installing Somatrace and its pinned dependencies into $(VENV)"
	@echo "(about two minutes the first time; later runs skip this)."
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -c requirements.lock -e . \
		| grep -E "^(Collecting|Installing|Successfully)" || true
	@test -x $(BIN)/somatrace || { echo "The install failed: run $(BIN)/pip install -c requirements.lock -e . to see why."; exit 1; }
	touch $@

$(VENV)/.dev: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	touch $@ $(VENV)/.runtime

## make demo: install, migrate the SQLite database, add the demo practice, serve on PORT (8000).
demo: $(VENV)/.runtime
	SOMATRACE_DEBUG=1 $(BIN)/somatrace demo --port $(PORT)

## make demo-reset: forget the demo database (var/somatrace.sqlite3) and start again.
demo-reset:
	rm -f var/somatrace.sqlite3 var/somatrace.sqlite3-wal var/somatrace.sqlite3-shm
	$(MAKE) --no-print-directory demo

## make test: lint, type-check, then every test (unit, view, browser) on DATABASE_URL or SQLite.
test: $(VENV)/.dev
	scripts/install-system-packages
	$(MAKE) --no-print-directory lint typecheck
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy somatrace

## make bench: the benchmarks in bench/, each printing ratios against a reference.
bench: $(VENV)/.dev
	for script in $(filter-out bench/load.py,$(wildcard bench/*.py)); do \
		$(BIN)/python $$script || exit 1; done

## make bench-load: the clinic's mix on real servers and PostgreSQL, 2+2 then 1+1 (LOAD_ARGS).
bench-load: $(VENV)/.dev
	$(BIN)/python bench/load.py $(LOAD_ARGS)

## make lock: re-pin every dependency after changing pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
