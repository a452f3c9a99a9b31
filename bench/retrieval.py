"""Does retrieval find the deciding sentence, how fast does ingest go, and how fast is the dense search?

    python bench/retrieval.py [--data ../shared/datasets] [--sets check-covid,wice,climate-fever] [--limit N]
                              [--sizes 10000,100000,1000000] [--skip evidence,ingest,latency]

1. Evidence: each set is ingested into a temporary VERICLAIM_HOME with the real MiniLM embedder, then every
   claim with gold evidence is searched three ways, all ranking sentences: dense only, BM25 only (each
   ranks the sentences inside its own top chunks by its own score) and hybrid (RRF + sentence scoring +
   MMR, what the service uses). A sentence is a hit when it overlaps a gold span (`spans_match`).
   recall@k = share of claims with a gold sentence in the first k; MRR over the first hit (0 if none in 10);
   gold@10 = share of the gold sentences found in the first 10.
     Check-COVID dev   the whole 347-abstract corpus; gold = PRIMARY sentences
     WiCE dev          the cited pages pooled into one collection; gold = the supporting sentences
     Climate-FEVER     every evidence sentence, grouped by article; gold = sentences labelled SUPPORTS/REFUTES
   `--limit N` keeps the first N claims of each set (WiCE then pools only their pages).
   `--query-forms boosted,parts` adds one hybrid row per form (`eval/query_forms.py`: names and figures
   said twice; the claim and its parts searched apart, fused by reciprocal rank).
   `--rerank N` adds one row per `--rerank-weights` value: hybrid's first N sentences reranked by the bundled
   NLI verifier (1 − P(neutral) + weight × retrieval score over the best; `service.pipeline.rerank`).
2. Ingest: chunks/s through `CollectionStore.apply` (chunking, embedding, BM25, files, fsync) against the
   embedder's bare `encode` of the same chunk texts: the first 2,000 chunks of `--ingest-set`'s documents (WiCE's
   web pages by default; `--ingest-set findver`: paragraphs of the SEC reports its dev claims name).
3. Dense search: latency of one query against the FAISS stage, exact vs approximate (index/ann.py), over
   synthetic unit vectors (384-d), with the approximate index's recall@10 against exact. Two kinds of data:
   `uniform` (noise on the sphere: no neighbourhoods at all, the worst case for any approximate index) and
   `clustered` (points around topic centres, the shape real sentence embeddings have).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.datasets import Dataset, load_dataset
from eval.metrics import evidence_recall, spans_match
from eval.query_forms import QueryForm, fuse, query_texts
from index.ann import AnnParams, IndexKind, build_faiss_index
from index.chunking import chunk_text
from index.embedder import BUNDLED_MINILM
from index.retriever import HybridRetriever, RetrievalMode
from index.store import CollectionStore, Snapshot
from service.bootstrap import build_embedder, build_finder
from service.config import Settings, default_datasets
from service.evidence import rerank as rerank_passages
from service.verifiers.nli import NliVerifier

MODES = (RetrievalMode.DENSE, RetrievalMode.BM25, RetrievalMode.HYBRID)
DIMENSION = 384
HNSW_MAX = 200_000  # HNSW build time grows past the bench's budget above this (281 s at 1M, M 16)
UNIFORM_MAX = 100_000  # uniform noise is the worst case; shown at the small sizes only


class CachingEmbedder:
    """The real embedder with a per-text cache: the three modes and many claims score the same sentences."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dimension = inner, inner.name, inner.dimension
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            self._cache.update(zip(missing, self.inner.encode(missing), strict=True))
        return np.stack([self._cache[t] for t in texts]) if texts else self.inner.encode([])


# ---- 1. evidence recall -----------------------------------------------------------------------------------

@dataclass
class Scores:
    hits: list[int | None]  # rank (1-based) of the first gold sentence, None if not in the first 10
    coverage: list[float]
    doc_hits: list[int | None]  # rank of the first sentence from a gold document, None if not in the first 10

    def row(self) -> list[float]:
        n = max(len(self.hits), 1)
        recall = [sum(1 for h in self.hits if h is not None and h <= k) / n for k in (1, 5, 10)]
        mrr = sum(1 / h for h in self.hits if h is not None) / n
        docs = [sum(1 for h in self.doc_hits if h is not None and h <= k) / n for k in (1, 5)]
        return [*recall, mrr, sum(self.coverage) / n, *docs]


def evidence_table(data: Path, sets: list[str], limit: int | None, embedder: CachingEmbedder,
                   split: str = "dev", half: str = "all", rerank: int = 0,
                   weights: Sequence[float] = (), forms: Sequence[QueryForm] = ()) -> str:
    lines = [f"{'set':<14}{'claims':>7}{'chunks':>8}{'ingest s':>9}  {'retriever':<8}"
             f"{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR':>7}{'gold@10':>8}{'doc@1':>7}{'doc@5':>7}{'ms/q':>7}"]
    for name in sets:
        dataset = load_dataset(name, data / name, split=split)
        claims = [c for c in dataset.claims if c.evidence and in_half(c.id, half)][:limit]
        documents = _pool(dataset, claims, whole_corpus=(name == "check-covid"))
        with tempfile.TemporaryDirectory() as home:
            finder = build_finder(Settings(home=Path(home)), embedder)  # type: ignore[arg-type]
            started = time.perf_counter()
            finder.library.ingest(documents, "bench")
            ingest_s = time.perf_counter() - started
            snapshot = finder.library.snapshot("bench")
            for mode in MODES:
                scores, per_query = _evaluate(finder.retriever.retriever, snapshot, claims, mode)
                recall1, recall5, recall10, mrr, coverage, doc1, doc5 = scores.row()
                lines.append(f"{name:<14}{len(claims):>7}{len(snapshot.chunks):>8}{ingest_s:>9.1f}  {mode.value:<8}"
                             f"{recall1:>7.3f}{recall5:>7.3f}{recall10:>7.3f}{mrr:>7.3f}{coverage:>8.3f}"
                             f"{doc1:>7.3f}{doc5:>7.3f}{per_query:>7.0f}")
            for form in forms:
                scores, per_query = _evaluate(finder.retriever.retriever, snapshot, claims, RetrievalMode.HYBRID,
                                              form=form)
                recall1, recall5, recall10, mrr, coverage, doc1, doc5 = scores.row()
                lines.append(f"{name:<14}{len(claims):>7}{len(snapshot.chunks):>8}{ingest_s:>9.1f}  "
                             f"{f'q={form.value}':<8}{recall1:>7.3f}{recall5:>7.3f}{recall10:>7.3f}{mrr:>7.3f}"
                             f"{coverage:>8.3f}{doc1:>7.3f}{doc5:>7.3f}{per_query:>7.0f}")
            for weight in weights if rerank else ():
                scores, per_query = _evaluate(finder.retriever.retriever, snapshot, claims, RetrievalMode.HYBRID,
                                              rerank=(_nli_verifier(), rerank, weight))
                recall1, recall5, recall10, mrr, coverage, doc1, doc5 = scores.row()
                lines.append(f"{name:<14}{len(claims):>7}{len(snapshot.chunks):>8}{ingest_s:>9.1f}  "
                             f"{f'nli w={weight:g}':<8}{recall1:>7.3f}{recall5:>7.3f}{recall10:>7.3f}{mrr:>7.3f}"
                             f"{coverage:>8.3f}{doc1:>7.3f}{doc5:>7.3f}{per_query:>7.0f}")
    return "\n".join(lines)


@functools.cache
def _nli_verifier() -> NliVerifier:
    return NliVerifier.load()


def in_half(claim_id: str, half: str) -> bool:
    """A fixed split of a set's claims by a stable hash of the id: `even` for tuning, `odd` to report.
    Salted, because the shipped Climate-FEVER claims already all have an even unsalted SHA-1 of their id."""
    if half == "all":
        return True
    parity = int(hashlib.sha1(f"tune:{claim_id}".encode()).hexdigest(), 16) % 2
    return parity == (0 if half == "even" else 1)


def _evaluate(retriever: HybridRetriever, snapshot: Snapshot, claims: list, mode: RetrievalMode,  # type: ignore[type-arg]
              rerank: tuple[NliVerifier, int, float] | None = None,
              form: QueryForm = QueryForm.WRITTEN) -> tuple[Scores, float]:
    scores, started = Scores([], [], []), time.perf_counter()
    for claim in claims:
        if rerank is None:
            passages = fuse([retriever.search(snapshot, text, 10, mode=mode)
                             for text in query_texts(claim.claim, form)], 10)
        else:
            verifier, candidates, weight = rerank
            found = retriever.search(snapshot, claim.claim, candidates, mode=mode)
            passages, _ = rerank_passages(verifier, claim.claim, found, 10, weight)
        cited = [(p.doc_id, p.start, p.end) for p in passages]
        gold = [(g.doc_id, g.start, g.end) for g in claim.evidence]
        gold_docs = {g.doc_id for g in claim.evidence}
        scores.hits.append(next((r for r, c in enumerate(cited, 1) if any(spans_match(c, g) for g in gold)), None))
        scores.doc_hits.append(next((r for r, c in enumerate(cited, 1) if c[0] in gold_docs), None))
        scores.coverage.append(evidence_recall(cited, gold))
    return scores, (time.perf_counter() - started) * 1000 / max(len(claims), 1)


def _pool(dataset: Dataset, claims: list, whole_corpus: bool) -> list:  # type: ignore[type-arg]
    """The documents to index: the whole corpus, or only those the kept claims' evidence points into."""
    if whole_corpus:
        return dataset.documents
    needed = {g.doc_id for claim in claims for g in claim.evidence}
    return [doc for doc in dataset.documents if doc.doc_id in needed] if len(claims) < len(dataset.claims) \
        else dataset.documents


# ---- 2. ingest throughput ---------------------------------------------------------------------------------

def ingest_table(data: Path, embedder: Any, dataset: str = "wice", target_chunks: int = 2000) -> str:
    documents, texts = [], []
    for doc in load_dataset(dataset, data / dataset, split="dev").documents:
        spans = chunk_text(doc.text, 700, 1)
        documents.append(doc)
        texts.extend(doc.text[s.start:s.end] for s in spans)
        if len(texts) >= target_chunks:
            break
    embedder.encode(texts[:64])  # warm-up
    started = time.perf_counter()
    embedder.encode(texts)
    bare = len(texts) / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as home:
        store = CollectionStore(Path(home), "bench", embedding_model=embedder.name,
                                chunking={"max_chars": 700, "overlap_sentences": 1})
        started = time.perf_counter()
        summary, _ = store.apply(embedder, add=documents)
        ingest = summary.chunks / (time.perf_counter() - started)
    return (f"{'chunks':>7}{'bare encode/s':>15}{'ingest/s':>10}{'ratio':>7}  target ≥ 0.80\n"
            f"{len(texts):>7}{bare:>15.1f}{ingest:>10.1f}{ingest / bare:>7.2f}  "
            f"{'met' if ingest / bare >= 0.8 else 'MISSED'}")


# ---- 3. dense search latency ------------------------------------------------------------------------------

def unit_rows(rows: int, rng: np.random.Generator, centers: np.ndarray | None) -> np.ndarray:
    out = np.empty((rows, DIMENSION), dtype=np.float32)
    for first in range(0, rows, 100_000):  # in blocks, to keep float64 temporaries small
        n = min(100_000, rows - first)
        block = rng.standard_normal((n, DIMENSION), dtype=np.float32)
        if centers is not None:
            block = centers[rng.integers(0, len(centers), n)] + block / np.sqrt(DIMENSION)
        out[first:first + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def latencies_ms(index: object, queries: np.ndarray) -> np.ndarray:
    times = []
    for query in queries:
        started = time.perf_counter()
        index.search(query[None, :], 10)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
    return np.array(times)


def latency_table(sizes: list[int], kinds: list[IndexKind], log: Callable[[str], None]) -> str:
    lines = [f"{'data':<10}{'chunks':>9}  {'index':<6}{'build s':>8}{'p50 ms':>8}{'p95 ms':>8}{'recall@10':>10}"
             "  target"]
    for data in ("clustered", "uniform"):
        for size in sizes:
            if data == "uniform" and size > UNIFORM_MAX:
                continue
            rng = np.random.default_rng(size)
            centers = rng.standard_normal((max(size // 100, 10), DIMENSION)).astype(np.float32) / np.sqrt(DIMENSION) \
                if data == "clustered" else None
            vectors, queries = unit_rows(size, rng, centers), unit_rows(200, rng, centers)
            exact = build_faiss_index(vectors, AnnParams(kind=IndexKind.EXACT))
            _, truth = exact.search(queries, 10)
            exact_ms = latencies_ms(exact, queries)
            lines.append(f"{data:<10}{size:>9}  {'exact':<6}{0:>8.1f}{np.median(exact_ms):>8.2f}"
                         f"{np.percentile(exact_ms, 95):>8.2f}{1:>10.3f}")
            for kind in kinds:
                if kind is IndexKind.HNSW and size > HNSW_MAX:
                    lines.append(f"{data:<10}{size:>9}  {kind.value:<6}  skipped: build > 4 min on 2 cores")
                    continue
                started = time.perf_counter()
                index = build_faiss_index(vectors, AnnParams(kind=kind))
                build_s = time.perf_counter() - started
                _, found = index.search(queries, 10)
                recall = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)]))
                ms = latencies_ms(index, queries)
                lines.append(f"{data:<10}{size:>9}  {kind.value:<6}{build_s:>8.1f}{np.median(ms):>8.2f}"
                             f"{np.percentile(ms, 95):>8.2f}{recall:>10.3f}  {_latency_target(size, ms, recall)}")
                log(lines[-1])
                del index
            del exact, vectors
    return "\n".join(lines)


def _latency_target(size: int, ms: np.ndarray, recall: float) -> str:
    limit = {100_000: 5.0, 1_000_000: 30.0}.get(size)
    if limit is None:
        return ""
    met = float(np.median(ms)) <= limit and recall >= 0.95
    return f"p50 ≤ {limit:g} ms, recall ≥ 0.95: {'met' if met else 'MISSED'}"


# ---- command ----------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets(),
                        help="datasets folder (default: VERICLAIM_DATASETS, else shared/datasets by the checkout)")
    parser.add_argument("--sets", default="check-covid,wice,climate-fever")
    parser.add_argument("--limit", type=int, default=None, help="claims per set (default: all)")
    parser.add_argument("--split", default="dev", help="dataset split (check-covid has train for tuning)")
    parser.add_argument("--half", default="all", choices=("all", "even", "odd"),
                        help="claims whose id hash is even (tuning) or odd (held out)")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="synthetic index sizes for table 3")
    parser.add_argument("--kinds", default="hnsw,ivf", help="approximate index kinds for table 3")
    parser.add_argument("--skip", default="", help="tables to skip: evidence, ingest, latency")
    parser.add_argument("--ingest-set", default="wice", help="whose documents table 2 ingests (wice, findver, …)")
    parser.add_argument("--rerank", type=int, default=0, help="also rerank hybrid's first N with the NLI verifier")
    parser.add_argument("--rerank-weights", default="1", help="retrieval-score weights to try in the reranking")
    parser.add_argument("--query-forms", default="",
                        help="also search each claim in these forms (boosted, parts: eval/query_forms.py)")
    parser.add_argument("--embedding", default=BUNDLED_MINILM,
                        help="the embedding model (a VERICLAIM_MODELS__EMBEDDING value: all-MiniLM-L6-v2, "
                             "vericlaim-retriever-v1, a folder)")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    embedder = None if {"evidence", "ingest"} <= skip else build_embedder(
        Settings(models={"embedding": args.embedding}))  # type: ignore[arg-type]
    if "evidence" not in skip and embedder is not None:
        started = time.perf_counter()
        table = evidence_table(args.data, args.sets.split(","), args.limit, CachingEmbedder(embedder),
                               args.split, args.half, args.rerank,
                               [float(w) for w in args.rerank_weights.split(",")],
                               [QueryForm(f) for f in args.query_forms.split(",") if f])
        print(f"\n1. Sentence-level gold-evidence recall ({time.perf_counter() - started:.0f} s)\n{table}", flush=True)
    if "ingest" not in skip and embedder is not None:
        table = ingest_table(args.data, embedder, args.ingest_set)
        print(f"\n2. Ingest throughput ({args.embedding}, {args.ingest_set}, CPU)\n{table}", flush=True)
    if "latency" not in skip:
        sizes = [int(s) for s in args.sizes.split(",")]
        kinds = [IndexKind(k) for k in args.kinds.split(",")]
        print(f"\n3. Dense search, one query, top 10 (384-d)\n{latency_table(sizes, kinds, log)}", flush=True)


if __name__ == "__main__":
    main()
