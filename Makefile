# wirewatch — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Development data (never copied into the repo); tests that need it read it from here, as CI does.
export WIREWATCH_SHARED_DATA ?= $(abspath ../shared/data)

.PHONY: run test test-fast lint install clean help

help:
	@echo "make run   — install into .venv, start broker + worker + web, ingest demo stories, print alerts"
	@echo "make test  — install into .venv (with test extras), lint and run the whole suite"
	@echo "make test-fast — the suite without broker, development-data and slow tests (the edit-test loop)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes.
$(STAMP): pyproject.toml pipeline/tools/_vendor.py pipeline/kafka/s3store/package-lock.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python pipeline/tools/_vendor.py
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/wirewatch run --demo

test: $(STAMP)
	$(BIN)/ruff check pipeline tests docs/examples
	$(BIN)/python -m pytest

# The edit-test loop: no broker, no development data, nothing slow.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not broker and not shared_data and not slow"

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests docs/examples

clean:
	rm -rf $(VENV) .wirewatch .pytest_cache *.egg-info pipeline/kafka/s3store/node_modules
