"""onnxruntime sessions for the models served without torch (the NLI verifier, the embedder)."""

from __future__ import annotations

import os
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
