"""onnxruntime sessions for the models served without torch (the NLI verifier, the embedder)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.errors import ModelUnavailableError


def cpu_session(path: Path, threads: int | None, what: str) -> Any:
    """An inference session over the graph at `path` on the CPU; one that cannot load is
    `ModelUnavailableError` naming `what` it is."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # no busy-waiting between runs: spinning threads starve the next stage (retrieval, the other model) of
    # the few cores there are (measured on 2 cores: a claim check 195 → 143 ms with FAISS on one thread)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types for a damaged file
        raise ModelUnavailableError(f"cannot load {what} {path}: {exc}") from None


def cached_graph(graph: Path, build: Callable[[Path], None], failure: str) -> Path:
    """`graph`, built by `build(temporary path)` the first time and moved into place atomically (a concurrent
    build writes its own temporary file); a build that fails is `ModelUnavailableError`: `failure` and why."""
    if graph.is_file():
        return graph
    temporary = graph.parent / f".{graph.name}.{uuid.uuid4().hex}.tmp"
    try:
        graph.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelUnavailableError(f"{failure}: cannot write into {graph.parent}: {exc}") from None
    try:
        build(temporary)
        temporary.replace(graph)
    except Exception as exc:  # whatever the builder raises (a damaged file, a failed export) names the model
        raise ModelUnavailableError(f"{failure}: {str(exc).splitlines()[0][:300] if str(exc) else exc!r}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return graph
