"""The approximate dense index: recall against exact search, and when `auto` picks which."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from index.ann import AnnParams, IndexKind, build_faiss_index, resolve_kind
from index.store import Snapshot

pytestmark = pytest.mark.unit

DIMENSION = 384


def clustered_vectors(rows: int, seed: int, centers: np.ndarray) -> np.ndarray:
    """Random unit vectors around random centres: the shape sentence embeddings have (topics), unlike
    uniform noise on the sphere, where every point is about equally far from every other."""
    rng = np.random.default_rng(seed)
    vectors = centers[rng.integers(0, len(centers), rows)] + rng.standard_normal((rows, DIMENSION)) / np.sqrt(DIMENSION)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def recall_at_10(approximate: object, exact: object, queries: np.ndarray) -> float:
    _, truth = exact.search(queries, 10)  # type: ignore[attr-defined]
    _, found = approximate.search(queries, 10)  # type: ignore[attr-defined]
    return float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)]))


@pytest.fixture(scope="module")
def corpus() -> tuple[np.ndarray, np.ndarray]:
    centers = np.random.default_rng(0).standard_normal((200, DIMENSION)) / np.sqrt(DIMENSION)
    return clustered_vectors(20_000, 1, centers), clustered_vectors(200, 2, centers)


@pytest.mark.parametrize("kind", [IndexKind.HNSW, IndexKind.IVF])
def test_approximate_recall_at_10_is_at_least_095(corpus: tuple[np.ndarray, np.ndarray], kind: IndexKind) -> None:
    vectors, queries = corpus
    exact = build_faiss_index(vectors, AnnParams(kind=IndexKind.EXACT))
    approximate = build_faiss_index(vectors, AnnParams(kind=kind))
    assert approximate.ntotal == len(vectors)
    assert recall_at_10(approximate, exact, queries) >= 0.95


def test_auto_is_exact_below_the_threshold_and_ivf_from_it() -> None:
    params = AnnParams()
    assert resolve_kind(params.threshold - 1, params) is IndexKind.EXACT
    assert resolve_kind(params.threshold, params) is IndexKind.IVF
    assert resolve_kind(10, AnnParams(kind=IndexKind.HNSW)) is IndexKind.HNSW
    small = np.eye(8, DIMENSION, dtype=np.float32)
    assert isinstance(build_faiss_index(small, params), faiss.IndexFlatIP)
    assert isinstance(build_faiss_index(small, AnnParams(threshold=8)), faiss.IndexIVFFlat)


def test_empty_collections_get_an_empty_exact_index() -> None:
    empty = np.zeros((0, DIMENSION), dtype=np.float32)
    for kind in IndexKind:
        assert build_faiss_index(empty, AnnParams(kind=kind)).ntotal == 0


def test_snapshot_builds_the_index_its_settings_ask_for() -> None:
    vectors = np.eye(4, DIMENSION, dtype=np.float32)
    snapshot = Snapshot("1-x", "fake", DIMENSION, {}, {}, [], vectors, ann=AnnParams(kind=IndexKind.HNSW))
    assert isinstance(snapshot.faiss_index, faiss.IndexHNSWFlat)
    _, ids = snapshot.faiss_index.search(vectors[2:3], 1)
    assert ids[0][0] == 2
