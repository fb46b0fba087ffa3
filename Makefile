# retention_xl — `make demo` and `make test` set up everything on a fresh Linux machine
# (Python 3.10+ with venv; LibreOffice for the spreadsheet-engine tests: see .ci/run).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test test-fast lint templates docs images clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/retention-xl demo --out-dir demo_output --overwrite

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# The core in under a minute while developing: ruff's lint only (no format check, no mypy)
# and every test but the slow, Dask and LibreOffice ones (markers: pyproject.toml,
# tests/conftest.py). `make test` runs everything before a commit.
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not dask and not libreoffice"

# Regenerate the committed templates and the function reference after changing the
# definitions table or the template code (a test fails while they are stale).
templates: $(STAMP)
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

docs: $(STAMP)
	$(BIN)/retention-xl functions --format markdown > docs/functions.md

# Pictures of the demo workbooks for the README (LibreOffice -> PDF -> pdftoppm).
images: $(STAMP)
	$(BIN)/python docs/make_images.py

clean:
	rm -rf $(VENV) demo_output .pytest_cache .mypy_cache .ruff_cache
