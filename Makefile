# retention_xl — `make demo` and `make test` set up everything on a fresh Linux machine
# (Python 3.10+ with venv; LibreOffice for the spreadsheet-engine tests: see .ci/run).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two installs in the one virtual environment: `make demo` needs only the package and its
# dependencies; `make test` (and lint, docs, dist …) adds the test and lint extras.
DEMO_STAMP := $(VENV)/.demo-stamp
TEST_STAMP := $(VENV)/.test-stamp
# Downloaded once at install time so that the install test runs with no network
# (tests/offline.py): the wheels of the package's dependencies.
WHEELS_DIR    := .wheels
WHEELS_STAMP  := $(WHEELS_DIR)/.stamp

.PHONY: demo test test-fast lint templates docs images dist wheels clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $@

$(WHEELS_STAMP): tests/offline.py $(TEST_STAMP)
	$(BIN)/python tests/offline.py wheels $(WHEELS_DIR)

wheels: $(WHEELS_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/retention-xl demo --out-dir demo_output --overwrite

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(WHEELS_STAMP)
	$(BIN)/python -m pytest

# The core in under a minute while developing: ruff's lint only (no format check, no mypy)
# and every test but the slow, Dask and LibreOffice ones (markers: pyproject.toml,
# tests/conftest.py). `make test` runs everything before a commit.
test-fast: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not dask and not libreoffice"

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
	rm -rf $(VENV) demo_output .pytest_cache .mypy_cache .ruff_cache $(WHEELS_DIR) dist build
