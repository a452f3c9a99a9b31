# One place for the project's commands. `make demo` sets everything up and runs the demo; `make test` tests.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test test-unit lint eval-demo clean

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

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

test-unit: setup
	$(BIN)/python -m pytest -m unit

lint: setup
	$(BIN)/ruff check .

eval-demo: setup
	$(BIN)/vericlaim eval examples/ai-compute/claims.jsonl --corpus examples/ai-compute/docs \
		--collection demo-eval --out runs/demo

clean:
	rm -rf $(VENV) runs
