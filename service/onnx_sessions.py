"""onnxruntime sessions for the models served without torch (the NLI verifier, the embedder)."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from service.errors import ModelUnavailableError

_UNUSED_FOR = 7 * 24 * 3600  # a graph used within a week is kept, however many of its kind there are


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


def cached_graph(graph: Path, build: Callable[[Path], None], failure: str, *, keep: int = 3) -> Path:
    """`graph`, built by `build(temporary path)` the first time and moved into place atomically (a concurrent
    build writes its own temporary file); a build that fails is `ModelUnavailableError`: `failure` and why.

    Graphs are named `KIND-KEY.onnx`. Each use marks the graph as used (its modification time); after a build,
    graphs of the same KIND beyond the `keep` most recently used, and unused for `_UNUSED_FOR` seconds, are
    removed, so a cache that sees one model after another (each retrained verifier is a new key) does not grow
    without bound, while installs that share the cache and take turns do not evict each other's graphs."""
    try:
        os.utime(graph)  # in use: the file stays (another process evicting it in between is rebuilt below)
        return graph
    except FileNotFoundError:
        pass
    except OSError:  # a read-only cache: the graph is served, only not marked
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
        reason = str(exc).splitlines()[0][:300] if str(exc).strip() else repr(exc)
        raise ModelUnavailableError(f"{failure}: {reason}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    _evict_older(graph, keep)
    return graph


def _evict_older(graph: Path, keep: int) -> None:
    """Remove the graphs of `graph`'s kind beyond the `keep` most recently used that no one has used for
    `_UNUSED_FOR` seconds (never `graph` itself)."""
    kind = graph.name.rsplit("-", 1)[0]
    siblings = []
    for path in graph.parent.glob("*.onnx"):
        if path != graph and path.name.rsplit("-", 1)[0] == kind:
            with contextlib.suppress(OSError):
                siblings.append((path.stat().st_mtime, path))
    unused_since = time.time() - _UNUSED_FOR
    for used, path in sorted(siblings, reverse=True)[max(keep - 1, 0):]:
        if used < unused_since:
            with contextlib.suppress(OSError):
                path.unlink()
