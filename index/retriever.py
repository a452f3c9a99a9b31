"""Hybrid retrieval with sentence-level evidence selection.

1. Chunk candidates from dense search (FAISS, cosine) and BM25 (bm25s, stemmed, numbers kept whole as
   tokens such as `6.4` and `200,000`), fused by reciprocal rank.
2. The sentences of the best fused chunks are scored one by one: cosine to the query, the share of query
   terms they contain, the share of the query's numbers they contain, and their chunk's fused rank.
3. Maximal marginal relevance picks the final sentences so near-duplicates do not crowd out the one that
   decides.

`RetrievalMode.DENSE` and `RetrievalMode.BM25` run one retriever alone — its chunks, its own sentence score,
no fusion and no MMR — as baselines for bench/retrieval.py.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from index.store import Snapshot, bm25_tokens
from service.config import RetrievalSettings
from service.domain import Passage
from service.ports import Embedder

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class RetrievalMode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


@dataclass(frozen=True)
class _Candidate:
    doc_id: str
    start: int
    end: int
    chunk_score: float


class HybridRetriever:
    def __init__(self, embedder: Embedder, settings: RetrievalSettings) -> None:
        self.embedder = embedder
        self.settings = settings

    def search(
        self,
        snapshot: Snapshot,
        query: str,
        k: int,
        doc_ids: Collection[str] | None = None,
        mode: RetrievalMode = RetrievalMode.HYBRID,
    ) -> list[Passage]:
        if not snapshot.chunks:
            return []
        query_vector = self.embedder.encode([query])[0]
        fused = self._fused_chunks(snapshot, query, query_vector, doc_ids, mode)
        candidates = _sentences_of(snapshot, fused[: self.settings.rerank_chunks])
        if not candidates:
            return []
        texts = [snapshot.documents[c.doc_id].text[c.start:c.end] for c in candidates]
        vectors = self.embedder.encode(texts)
        scores = self._sentence_scores(query, query_vector, candidates, texts, vectors)
        if mode is RetrievalMode.HYBRID:
            chosen = _mmr(scores["score"], vectors, k, self.settings.mmr_lambda)
        else:
            scores["score"] = _single_retriever_score(scores, mode)
            chosen = [int(i) for i in np.argsort(-scores["score"], kind="stable")[:k]]
        return [
            Passage(
                doc_id=candidates[i].doc_id,
                start=candidates[i].start,
                end=candidates[i].end,
                text=texts[i],
                score=float(scores["score"][i]),
                scores={name: round(float(values[i]), 4) for name, values in scores.items() if name != "score"},
                title=snapshot.documents[candidates[i].doc_id].title,
            )
            for i in chosen
        ]

    def _fused_chunks(
        self,
        snapshot: Snapshot,
        query: str,
        query_vector: np.ndarray,
        doc_ids: Collection[str] | None,
        mode: RetrievalMode = RetrievalMode.HYBRID,
    ) -> list[tuple[int, float]]:
        n = len(snapshot.chunks)
        allowed = None if doc_ids is None else {i for i, c in enumerate(snapshot.chunks) if c.doc_id in doc_ids}
        depth = n if allowed is not None else min(self.settings.candidates, n)
        rankings = []
        if mode is not RetrievalMode.BM25:
            rankings.append(_dense_ranking(snapshot, query_vector, allowed, depth))
        tokens = bm25_tokens([query])[0]
        if mode is not RetrievalMode.DENSE and snapshot.bm25 is not None and tokens:
            ids, bm25_scores = snapshot.bm25.retrieve([tokens], k=depth, show_progress=False)  # type: ignore
            rankings.append([int(i) for i, s in zip(ids[0], bm25_scores[0], strict=True) if s > 0])
        fused: dict[int, float] = {}
        for ranking in rankings:
            kept = [i for i in ranking if allowed is None or i in allowed][: self.settings.candidates]
            for rank, index in enumerate(kept):
                fused[index] = fused.get(index, 0.0) + 1.0 / (self.settings.rrf_k + rank + 1)
        return sorted(fused.items(), key=lambda item: -item[1])

    def _sentence_scores(
        self,
        query: str,
        query_vector: np.ndarray,
        candidates: list[_Candidate],
        texts: list[str],
        vectors: np.ndarray,
    ) -> dict[str, np.ndarray]:
        dense = vectors @ query_vector
        query_terms = set(bm25_tokens([query])[0])
        sentence_terms = bm25_tokens(texts)
        lexical = np.array([_share(query_terms, set(terms)) for terms in sentence_terms])
        query_numbers = set(_NUMBER.findall(query))
        numbers = np.array([_share(query_numbers, set(_NUMBER.findall(text))) for text in texts])
        chunk = np.array([c.chunk_score for c in candidates])
        chunk = chunk / max(float(chunk.max()), 1e-9)
        score = dense + 0.3 * lexical + 0.15 * numbers + 0.1 * chunk
        return {"score": score, "dense": dense, "lexical": lexical, "numbers": numbers, "chunk": chunk}


def _dense_ranking(snapshot: Snapshot, query_vector: np.ndarray, allowed: set[int] | None, depth: int) -> list[int]:
    """Chunk ids by cosine: the FAISS index over everything, or an exact scan of the allowed chunks only
    (an approximate index cannot be asked for every row)."""
    if allowed is None:
        _, dense_ids = snapshot.faiss_index.search(query_vector[None, :], depth)
        return [int(i) for i in dense_ids[0] if i >= 0]
    rows = np.fromiter(sorted(allowed), dtype=np.int64, count=len(allowed))
    order = np.argsort(-(snapshot.vectors[rows] @ query_vector), kind="stable")
    return [int(i) for i in rows[order]]


def _single_retriever_score(scores: dict[str, np.ndarray], mode: RetrievalMode) -> np.ndarray:
    """Dense: cosine alone. BM25: the share of query terms, ties broken by the chunk's BM25 rank."""
    return scores["dense"] if mode is RetrievalMode.DENSE else scores["lexical"] + 0.1 * scores["chunk"]


def _share(wanted: set[str], present: set[str]) -> float:
    return len(wanted & present) / len(wanted) if wanted else 0.0


def _sentences_of(snapshot: Snapshot, fused: list[tuple[int, float]]) -> list[_Candidate]:
    seen: set[tuple[str, int]] = set()
    candidates: list[_Candidate] = []
    for index, chunk_score in fused:
        chunk = snapshot.chunks[index]
        for start, end in chunk.sentences:
            if (chunk.doc_id, start) not in seen:
                seen.add((chunk.doc_id, start))
                candidates.append(_Candidate(chunk.doc_id, start, end, chunk_score))
    return candidates


def _mmr(scores: np.ndarray, vectors: np.ndarray, k: int, weight: float) -> list[int]:
    """Greedy maximal marginal relevance: relevance minus similarity to what is already chosen."""
    chosen: list[int] = []
    remaining = list(np.argsort(-scores))
    while remaining and len(chosen) < k:
        if chosen:
            redundancy = (vectors[remaining] @ vectors[chosen].T).max(axis=1)
            values = weight * scores[remaining] - (1 - weight) * redundancy
            pick = remaining[int(np.argmax(values))]
        else:
            pick = remaining[0]
        chosen.append(int(pick))
        remaining.remove(pick)
    return chosen
