# One place for the project's commands. `make demo` sets everything up and runs the demo; `make test` tests.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test check test-unit lint types eval-demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel

# torch is pinned to the CPU build first: an unpinned torch would pull several GB of CUDA packages.
# llama-cpp-python builds from source the first time (no prebuilt wheel on the package index); pip caches the
# wheel after. The multimodal library (mtmd/llava) is not built: vericlaim reads text only. Add build flags
# with LLAMA_CMAKE_ARGS, e.g. make setup LLAMA_CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_CUDA=on".
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
setup: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet -e '.[dev]'

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
