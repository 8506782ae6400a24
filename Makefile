# The two commands of the README:
#   make lab   — set everything up, then open JupyterLab on 127.0.0.1 (offline by default)
#   make test  — set everything up, then lint, unit and emulator tests, and nbval over the notebooks
# Everything lives in .venv (created with Python 3.11); nothing is installed elsewhere.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cdw-installed
# Test processes (pytest-xdist); each has its own in-process endpoint.
TEST_WORKERS ?= 2
# Notebook folders nbval checks (only those that exist).
NB_DIRS := $(wildcard notebooks labs/solutions)

.PHONY: setup lab test lint unit nbval clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

lab: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter lab --ip 127.0.0.1 notebooks/

test: lint unit nbval

lint: setup
	$(BIN)/ruff check helpers tests benchmarks conftest.py

# pytest exits 5 when it collects no tests: that is not a failure of the suite.
unit: setup
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile tests; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest: no tests collected"; elif [ $$rc -ne 0 ]; then exit $$rc; fi

# Stored outputs are compared on every run (sanitizer: tests/nbval_sanitize.cfg, port and
# wall-clock figures only); the root conftest.py sets the deterministic environment.
nbval: setup
	@if [ -z "$(NB_DIRS)" ]; then echo "nbval: no notebooks yet"; exit 0; fi; \
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --nbval $(NB_DIRS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "nbval: no notebooks collected"; elif [ $$rc -ne 0 ]; then exit $$rc; fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
