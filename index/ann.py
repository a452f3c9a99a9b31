"""The FAISS index behind dense search: exact inner product for small collections, approximate above a size.

`build_faiss_index(vectors, kind, params)` returns a ready-to-search index over L2-normalised rows
(inner product = cosine):

    exact  IndexFlatIP: every row scored, recall 1 by definition; fine to ~50k chunks on one core
    ivf    IndexIVFFlat: ~4·√n k-means cells, `ivf_nprobe` of them scanned per query
    hnsw   IndexHNSWFlat (inner product): a graph, no training, recall tuned by `hnsw_ef_search`
    auto   exact below `ann_threshold` rows, ivf from there

Why IVF for `auto` (bench/retrieval.py, 2 shared CPU cores, clustered 384-d unit vectors): at 1M rows
IVF builds in 72 s and reaches recall@10 0.985 vs exact at 0.7 ms/query (nprobe 32); HNSW (M 16,
efConstruction 40) took 281 s to build and stayed at recall 0.80 even with efSearch 256. The index is
built in memory when a snapshot is first searched, so build time is paid after every load. Neither is
good on uniform noise, where no point has real neighbours; real sentence embeddings are clustered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np


class IndexKind(StrEnum):
    AUTO = "auto"
    EXACT = "exact"
    HNSW = "hnsw"
    IVF = "ivf"


@dataclass(frozen=True)
class AnnParams:
    """How to build the dense index; the defaults are those of the retrieval settings (service/retrieval_config.py),
    from which service/bootstrap.py makes the store's."""

    kind: IndexKind = IndexKind.AUTO
    threshold: int = 50_000
    hnsw_m: int = 32
    hnsw_ef_construction: int = 64
    hnsw_ef_search: int = 128
    ivf_nprobe: int = 32


def resolve_kind(rows: int, params: AnnParams) -> IndexKind:
    """The kind actually built for `rows` vectors: `auto` becomes exact or ivf by the threshold."""
    if params.kind is not IndexKind.AUTO:
        return params.kind
    return IndexKind.IVF if rows >= params.threshold else IndexKind.EXACT


def build_faiss_index(vectors: np.ndarray, params: AnnParams | None = None) -> Any:
    """A searchable FAISS index over `vectors` (float32, L2-normalised rows)."""
    import faiss

    params = params or AnnParams()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    rows, dimension = vectors.shape
    kind = resolve_kind(rows, params)
    index: faiss.Index
    if kind is IndexKind.HNSW:
        index = faiss.IndexHNSWFlat(dimension, params.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = params.hnsw_ef_construction
        index.hnsw.efSearch = params.hnsw_ef_search
    elif kind is IndexKind.IVF and rows > 0:
        index = _trained_ivf(vectors, params)
    else:
        index = faiss.IndexFlatIP(dimension)
    if rows:
        index.add(vectors)
    return index


def _trained_ivf(vectors: np.ndarray, params: AnnParams) -> Any:
    """IVF with ~4·√n cells, k-means trained on a fixed-seed sample of at most 64 rows per cell."""
    import faiss

    rows, dimension = vectors.shape
    cells = max(1, min(int(4 * np.sqrt(rows)), rows // 39 or 1))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantizer, dimension, cells, faiss.METRIC_INNER_PRODUCT)
    sample = min(rows, 64 * cells)
    chosen = np.random.default_rng(0).choice(rows, sample, replace=False) if sample < rows else slice(None)
    index.train(vectors[chosen])
    index.nprobe = min(params.ivf_nprobe, cells)
    return index


@contextmanager
def one_thread() -> Iterator[None]:
    """FAISS on one OpenMP thread for a single query: its threads otherwise wake and contend with the model
    runtimes' on a small machine (measured on 2 cores: retrieval 57 → 33 ms a query), and one query's scan is
    too small to share out. The setting is process-wide: an index being built meanwhile may use one thread."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)
