"""Hybrid retrieval with sentence-level evidence selection, on vectors stored at ingest.

1. Candidate documents come from four rankings: dense (FAISS) and BM25 over chunks, fused by reciprocal
   rank (the best `rerank_chunks`), and dense and BM25 over single sentences (the best `candidates` each).
2. Every sentence of a candidate document is scored from its stored vector, with no embedding at query
   time: its own cosine to the query and BM25, its best chunk's cosine and BM25 (the neighbouring
   sentences), its document's best sentence cosine and BM25, and the share of the query's figures it
   holds — weighted by `ScoreWeights` (tuned on Check-COVID train with bench/retrieval.py; see README) — plus
   a bonus for the share of its telling figures ("1,237,548", not "2023"), chosen on the dev sets (README,
   "Retrieval").
3. Maximal marginal relevance picks the final sentences so near-duplicates do not crowd out the one that
   decides.

`Passage.scores["dense"]` stays the cosine of the sentence itself to the query (the pipeline's evidence
floor); "lexical" is its BM25 score over the best one in the collection.

Filters (`doc_ids`, `dates`) restrict every ranking to the allowed documents' chunks and sentences.

`RetrievalMode.DENSE` and `RetrievalMode.BM25` run one retriever alone — its chunks, its own sentence score,
no fusion and no MMR — as baselines for bench/retrieval.py.

What the retriever is handed, `RetrieverConfig`, service/bootstrap.py makes from the retrieval settings.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from index.ann import one_thread
from index.bm25 import bm25_tokens
from index.dates import DateRange
from index.snapshot import Snapshot, written_figures
from index.table_cells import YEAR_CELL
from service.domain import Passage
from service.ports import Embedder
from service.text import significant_digits

_MMR_POOL = 50  # only the best this many sentences compete in MMR
# a figure written to this many significant digits or more ("1,237,548", "52.8%"), not a year, is in few sentences
# but the one that states it: its share earns `ScoreWeights.telling_figures` on top of the weighted mean
TELLING_DIGITS = 3


class RetrievalMode(StrEnum):
    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


@dataclass(frozen=True)
class ScoreWeights:
    """The weight of each part of an evidence sentence's score (step 2 above)."""

    dense: float
    bm25: float
    chunk_dense: float
    chunk_bm25: float
    document_dense: float
    document_bm25: float
    numbers: float
    telling_figures: float  # a bonus on top of the weighted mean: not in `total`

    @property
    def total(self) -> float:
        return self.dense + self.bm25 + self.chunk_dense + self.chunk_bm25 + self.document_dense \
            + self.document_bm25 + self.numbers


@dataclass(frozen=True)
class RetrieverConfig:
    """How deep each ranking looks (`candidates` sentences and chunks, the best `rerank_chunks` fused chunks),
    the fusion constant, MMR's relevance weight and the sentence score's weights."""

    candidates: int
    rerank_chunks: int
    rrf_k: int
    mmr_lambda: float
    weights: ScoreWeights


@dataclass(frozen=True)
class _Query:
    text: str
    vector: np.ndarray
    tokens: list[str]


class HybridRetriever:
    def __init__(self, embedder: Embedder, config: RetrieverConfig) -> None:
        self.embedder = embedder
        self.config = config

    def search(
        self,
        snapshot: Snapshot,
        query: str,
        k: int,
        doc_ids: Collection[str] | None = None,
        mode: RetrievalMode = RetrievalMode.HYBRID,
        dates: DateRange | None = None,
    ) -> list[Passage]:
        """The best `k` evidence sentences, drawn only from `doc_ids` and documents dated within `dates`
        when those are given."""
        if not snapshot.chunks:
            return []
        allowed = _allowed_documents(snapshot, doc_ids, dates)
        if allowed is not None and not allowed:
            return []
        q = _Query(query, self.embedder.encode([query])[0], bm25_tokens([query])[0])
        if mode is RetrievalMode.HYBRID:
            rows = self._candidate_rows(snapshot, q, allowed)
            scores = self._sentence_scores(snapshot, q, rows)
            chosen = _mmr(scores["score"], snapshot.sentence_vectors[rows], k, self.config.mmr_lambda)
        else:
            chunks = _chunk_ranking(snapshot, q, allowed, self.config, mode)
            rows, chunk_score = _rows_of_chunks(snapshot, chunks[: self.config.rerank_chunks])
            scores = self._sentence_scores(snapshot, q, rows)
            scores["chunk"] = chunk_score
            scores["score"] = scores["dense"] if mode is RetrievalMode.DENSE else scores["lexical"] + 0.1 * chunk_score
            chosen = [int(i) for i in np.argsort(-scores["score"], kind="stable")[:k]]
        return [self._passage(snapshot, int(rows[i]), i, scores) for i in chosen]

    def _candidate_rows(self, snapshot: Snapshot, q: _Query, allowed: set[str] | None) -> np.ndarray:
        """Every sentence of the documents that any of the four rankings puts near the top."""
        depth, table = self.config.candidates, snapshot.sentences
        chunks = _chunk_ranking(snapshot, q, allowed, self.config, RetrievalMode.HYBRID)
        chunks = chunks[: self.config.rerank_chunks]
        documents = {snapshot.chunks[i].doc_id for i, _ in chunks}
        dense_rows = _dense_top(snapshot.sentence_faiss_index, snapshot.sentence_vectors, q.vector,
                                _allowed_rows(table.of_document, allowed), depth)
        documents.update(table.doc_ids[r] for r in dense_rows)
        bm25 = _bm25_scores(snapshot.sentence_bm25, q.tokens, len(table))
        if allowed is not None:
            bm25 = bm25 * np.isin(np.arange(len(table)), _document_rows(table.of_document, allowed))
        documents.update(table.doc_ids[r] for r in np.argsort(-bm25)[:depth] if bm25[r] > 0)
        return np.array(sorted(r for doc_id in documents for r in table.of_document[doc_id]), dtype=np.int64)

    def _sentence_scores(self, snapshot: Snapshot, q: _Query, rows: np.ndarray) -> dict[str, np.ndarray]:
        table, weights = snapshot.sentences, self.config.weights
        dense = snapshot.sentence_vectors[rows] @ q.vector
        sentence_bm25 = _bm25_scores(snapshot.sentence_bm25, q.tokens, len(table))
        lexical = sentence_bm25[rows] / max(float(sentence_bm25.max()), 1e-9)
        of_rows = table.chunk_index[rows]  # each candidate's chunks, padded with -1
        held = of_rows >= 0
        chunk_ids = np.unique(of_rows[held])
        chunk_dense = np.zeros(len(snapshot.chunks), dtype=np.float32)
        chunk_dense[chunk_ids] = snapshot.vectors[chunk_ids] @ q.vector
        chunk_bm25 = _bm25_scores(snapshot.bm25, q.tokens, len(snapshot.chunks))
        chunk_bm25 = chunk_bm25 / max(float(chunk_bm25.max()), 1e-9)
        of_rows = np.where(held, of_rows, 0)
        context_dense = np.where(held, chunk_dense[of_rows], -np.inf).max(axis=1)
        context_bm25 = np.where(held, chunk_bm25[of_rows], -np.inf).max(axis=1)
        doc_of = np.unique(np.array([table.doc_ids[r] for r in rows]), return_inverse=True)[1]
        document = (weights.document_dense * _group_max(dense, doc_of)
                    + weights.document_bm25 * _group_max(lexical, doc_of))
        query_numbers = written_figures(q.text)
        held = [snapshot.sentence_numbers(r) for r in rows] if query_numbers else []
        numbers = np.array([_share(query_numbers, h) for h in held]) if query_numbers else np.zeros(len(rows))
        telling = frozenset(n for n in query_numbers
                            if significant_digits(n) >= TELLING_DIGITS and not YEAR_CELL.match(n))
        figures = np.array([_share(telling, h) for h in held]) if telling else np.zeros(len(rows))
        chunk = weights.chunk_dense * context_dense + weights.chunk_bm25 * context_bm25
        score = weights.dense * dense + weights.bm25 * lexical + chunk + document + weights.numbers * numbers \
            + weights.telling_figures * figures
        score = score / max(weights.total, 1e-9)  # back to the scale of a cosine, which MMR's λ weighs against
        return {"score": score, "dense": dense, "lexical": lexical, "numbers": numbers, "figures": figures,
                "chunk": chunk, "document": document}

    def _passage(self, snapshot: Snapshot, row: int, i: int, scores: dict[str, np.ndarray]) -> Passage:
        doc_id = snapshot.sentences.doc_ids[row]
        start, end = snapshot.sentences.spans[row]
        return Passage(
            doc_id=doc_id,
            start=start,
            end=end,
            text=snapshot.sentence_text(row),
            score=float(scores["score"][i]),
            scores={name: round(float(values[i]), 4) for name, values in scores.items() if name != "score"},
            title=snapshot.documents[doc_id].title,
            reading=_reading_if_more(snapshot.sentence_reading(row), snapshot.sentence_text(row)),
        )


def _allowed_documents(
    snapshot: Snapshot, doc_ids: Collection[str] | None, dates: DateRange | None
) -> set[str] | None:
    """The documents a search may draw from; None when it may draw from all."""
    if doc_ids is None and dates is None:
        return None
    allowed = snapshot.documents.keys() if doc_ids is None else set(doc_ids) & snapshot.documents.keys()
    if dates is not None:
        return {doc_id for doc_id in allowed if dates.admits(snapshot.documents[doc_id].date)}
    return set(allowed)


def _chunk_ranking(
    snapshot: Snapshot, q: _Query, allowed: set[str] | None, config: RetrieverConfig, mode: RetrievalMode
) -> list[tuple[int, float]]:
    """Chunks by dense, BM25 or (hybrid) both fused by reciprocal rank, with their fused scores."""
    rows = None if allowed is None else np.array(
        [i for i, chunk in enumerate(snapshot.chunks) if chunk.doc_id in allowed], dtype=np.int64)
    depth, rankings = config.candidates, []
    if mode is not RetrievalMode.BM25:
        rankings.append(_dense_top(snapshot.faiss_index, snapshot.vectors, q.vector, rows, depth))
    if mode is not RetrievalMode.DENSE and q.tokens:
        bm25 = _bm25_scores(snapshot.bm25, q.tokens, len(snapshot.chunks))
        candidates = np.arange(len(bm25)) if rows is None else rows
        order = candidates[np.argsort(-bm25[candidates], kind="stable")][:depth]
        rankings.append([int(i) for i in order if bm25[i] > 0])
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, index in enumerate(ranking):
            fused[index] = fused.get(index, 0.0) + 1.0 / (config.rrf_k + rank + 1)
    return sorted(fused.items(), key=lambda item: -item[1])


def _dense_top(index: object, vectors: np.ndarray, query: np.ndarray, rows: np.ndarray | None, depth: int) -> list[int]:
    """Row ids by cosine: the FAISS index over everything, or an exact scan of the allowed rows only
    (an approximate index cannot be asked for every row)."""
    if rows is None:
        with one_thread():
            _, ids = index.search(query[None, :], min(depth, len(vectors)))  # type: ignore[attr-defined]
        return [int(i) for i in ids[0] if i >= 0]
    order = np.argsort(-(vectors[rows] @ query), kind="stable")[:depth]
    return [int(i) for i in rows[order]]


def _allowed_rows(of_document: dict[str, tuple[int, ...]], allowed: set[str] | None) -> np.ndarray | None:
    return None if allowed is None else _document_rows(of_document, allowed)


def _document_rows(of_document: dict[str, tuple[int, ...]], documents: set[str]) -> np.ndarray:
    """The sentence rows of `documents`, ascending."""
    return np.array(sorted(r for doc_id in documents for r in of_document.get(doc_id, ())), dtype=np.int64)


def _bm25_scores(bm25: object | None, tokens: list[str], n: int) -> np.ndarray:
    if bm25 is None or not tokens:
        return np.zeros(n)
    return np.asarray(bm25.get_scores(tokens), dtype=np.float64)  # type: ignore[attr-defined]


def _rows_of_chunks(snapshot: Snapshot, chunks: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct sentence rows of ranked chunks, each with its best chunk's fused score (max-normalised)."""
    best: dict[int, float] = {}
    for index, chunk_score in chunks:
        for row in snapshot.sentences.of_chunk[index]:
            best.setdefault(row, chunk_score)
    rows = np.fromiter(best, dtype=np.int64, count=len(best))
    values = np.fromiter(best.values(), dtype=np.float64, count=len(best))
    return rows, values / max(float(values.max(initial=0.0)), 1e-9)


def _group_max(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    best = np.full(int(groups.max(initial=-1)) + 1, -np.inf)
    np.maximum.at(best, groups, values)
    return np.asarray(best[groups], dtype=np.float64)


def _share(wanted: frozenset[str], present: frozenset[str]) -> float:
    return len(wanted & present) / len(wanted) if wanted else 0.0


def _mmr(scores: np.ndarray, vectors: np.ndarray, k: int, weight: float) -> list[int]:
    """Greedy maximal marginal relevance: relevance minus similarity to what is already chosen."""
    chosen: list[int] = []
    remaining = [int(i) for i in np.argsort(-scores, kind="stable")[: max(_MMR_POOL, k)]]
    while remaining and len(chosen) < k:
        if chosen:
            redundancy = (vectors[remaining] @ vectors[chosen].T).max(axis=1)
            values = weight * scores[remaining] - (1 - weight) * redundancy
            pick = remaining[int(np.argmax(values))]
        else:
            pick = remaining[0]
        chosen.append(pick)
        remaining.remove(pick)
    return chosen


def _reading_if_more(reading: str, text: str) -> str:
    return "" if reading == text else reading
