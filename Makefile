# Two commands: `make demo` runs the main job on the embedded default (DuckDB + SQLite);
# `make test` runs the whole test suite. Both create ./.venv on first use.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m dedup.demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks.normalise --rows 1000000
	$(BIN)/python -m benchmarks.batch --rows 100000

.PHONY: install demo test bench
