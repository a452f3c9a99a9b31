# One place for the project's commands. `make demo` sets everything up and runs the demo; `make test` tests.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test check test-unit lint types eval-demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel

# torch is pinned to the CPU build first: an unpinned torch would pull several GB of CUDA packages.
# llama-cpp-python builds from source the first time (~15 min on 2 cores); pip caches the wheel after.
setup: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'

demo: setup
	$(BIN)/vericlaim demo

test: check

# Lint, types, import contracts (no training code in the product; the verdict core reaches the index only
# through service/ports.py), then the whole suite.
check: setup
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

test-unit: setup
	$(BIN)/python -m pytest -m unit

lint: setup
	$(BIN)/ruff check .

types: setup
	$(BIN)/mypy

eval-demo: setup
	$(BIN)/vericlaim eval run service/demo/claims.jsonl --corpus service/demo/docs \
		--collection demo-eval --out runs/demo

clean:
	rm -rf $(VENV) runs
