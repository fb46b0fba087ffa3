# retention_xl — `make demo` and `make test` set up everything on a fresh Linux machine
# (Python 3.10+ with venv; LibreOffice for the spreadsheet-engine tests, Node.js and npm for
# the Pyodide check: see .ci/run).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two installs in the one virtual environment: `make demo` needs only the package and its
# dependencies; `make test` (and lint, docs, dist …) adds the test and lint extras.
DEMO_STAMP := $(VENV)/.demo-stamp
TEST_STAMP := $(VENV)/.test-stamp
# Downloaded once at install time so that the distribution tests run with no network
# (tests/offline.py): Node's pyodide packages and the wheels they install, and the wheels of
# the package's dependencies for installing the built wheel into a clean environment.
PYODIDE_DIR   := .pyodide
PYODIDE_STAMP := $(PYODIDE_DIR)/manifest.json
WHEELS_DIR    := .wheels
WHEELS_STAMP  := $(WHEELS_DIR)/.stamp
# Without Node.js the Pyodide check is skipped locally (never in CI: .ci/run installs it).
NODE := $(shell command -v node 2>/dev/null)

.PHONY: demo test test-fast lint templates docs images dist pyodide wheels clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $@

$(PYODIDE_STAMP): tests/offline.py $(TEST_STAMP)
	$(BIN)/python tests/offline.py pyodide $(PYODIDE_DIR)

$(WHEELS_STAMP): tests/offline.py $(TEST_STAMP)
	$(BIN)/python tests/offline.py wheels $(WHEELS_DIR)

pyodide: $(PYODIDE_STAMP)

wheels: $(WHEELS_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/retention-xl demo --out-dir demo_output --overwrite

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(if $(NODE),$(PYODIDE_STAMP)) $(WHEELS_STAMP)
	$(BIN)/python -m pytest

# The core in under a minute while developing: ruff's lint only (no format check, no mypy)
# and every test but the slow, Dask, LibreOffice and Pyodide ones (markers: pyproject.toml,
# tests/conftest.py). `make test` runs everything before a commit.
test-fast: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not dask and not libreoffice and not pyodide"

# The wheel and the sdist, as `pip install` takes them, into dist/.
dist: $(TEST_STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

# Regenerate the committed templates and the function reference after changing the
# definitions table or the template code (a test fails while they are stale).
templates: $(TEST_STAMP)
	for kind in kpis cohorts; do for lang in en de; do \
	  $(BIN)/retention-xl template $$kind --lang $$lang --overwrite \
	    --out workbook_templates/retention_$${kind}_$$lang.xlsx; \
	  $(BIN)/retention-xl template $$kind --lang $$lang --overwrite --xlsm \
	    --out workbook_templates/retention_$${kind}_$$lang.xlsm; \
	done; done
	for lang in en de; do \
	  $(BIN)/retention-xl template subscriptions --lang $$lang --overwrite \
	    --out workbook_templates/retention_subscriptions_$$lang.xlsx; \
	done

docs: $(TEST_STAMP)
	$(BIN)/retention-xl functions --format markdown > docs/functions.md

# Pictures of the demo workbooks for the README (LibreOffice -> PDF -> pdftoppm).
images: $(TEST_STAMP)
	$(BIN)/python docs/make_images.py

clean:
	rm -rf $(VENV) demo_output .pytest_cache .mypy_cache .ruff_cache $(PYODIDE_DIR) $(WHEELS_DIR) dist build
