"""The retrieval settings (`Settings.retrieval`, VERICLAIM_RETRIEVAL__…): how evidence is found, in each store."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SentenceWeights(BaseModel):
    """How an evidence sentence's score is made (index/retriever.py; FAISS files only). Tuned on Check-COVID train
    (bench/retrieval.py --split train); Climate-FEVER and WiCE were not tuned on."""

    dense: float = Field(1.0, description="Cosine of the sentence to the query.")
    bm25: float = Field(0.6, description="The sentence's BM25 score over the collection's best.")
    chunk_dense: float = Field(1.0, description="Cosine of its best chunk (the sentence with its neighbours).")
    chunk_bm25: float = Field(1.0, description="BM25 of its best chunk over the collection's best chunk.")
    document_dense: float = Field(0.5, description="Best sentence cosine in its document.")
    document_bm25: float = Field(0.5, description="Best sentence BM25 (normalised) in its document.")
    numbers: float = Field(0.15, description="Share of the query's figures the sentence holds.")
    telling_figures: float = Field(1.0, description=(
        "Share of the query's telling figures (three significant digits or more, not a year: \"1,237,548\", "
        "\"52.8%\") the sentence holds, added on top of the weighted mean of the others (since 2026-12-07: "
        "README, Retrieval)."))

    @property
    def total(self) -> float:
        return self.dense + self.bm25 + self.chunk_dense + self.chunk_bm25 + self.document_dense \
            + self.document_bm25 + self.numbers


class RetrievalSettings(BaseModel):
    """How evidence is found. Each field reaches both stores unless its description says it applies to one:
    the FAISS files' hybrid retriever (index/retriever.py) has more steps than PostgreSQL's (pgstore/search.py)."""

    top_k: int = Field(5, ge=1, le=50, description="Evidence sentences handed to the judge.")
    candidates: int = Field(
        30, ge=1, description=(
            "Chunks, and sentences, each retriever (dense, BM25) proposes before fusion; in PostgreSQL, the "
            "sentences each ranking (HNSW, full-text) proposes (at least top_k)."
        ),
    )
    rerank_chunks: int = Field(
        8, ge=1, description="Fused chunks whose documents' sentences are scored (FAISS files only: PostgreSQL "
                             "ranks sentences, not chunks)."
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant (both stores).")
    rerank_candidates: int = Field(
        0, ge=0, description=(
            "Evidence candidates the NLI verifier reranks before the final top_k (its 1 − P(neutral) plus "
            "rerank_weight × the retrieval score); at or below top_k, no reranking."
        ),
    )
    rerank_weight: float = Field(1.0, ge=0, description="Weight of the retrieval score in the reranking.")
    mmr_lambda: float = Field(
        0.9, ge=0, le=1, description=(
            "Relevance vs diversity in evidence selection (1: relevance only). FAISS files only: PostgreSQL's "
            "search has no diversity step."
        ),
    )
    weights: SentenceWeights = Field(
        default_factory=SentenceWeights, description=(
            "Evidence sentence score (FAISS files only: PostgreSQL fuses its two rankings by rank, rrf_k)."
        ),
    )
    min_score: float = Field(
        0.25, description="Evidence whose dense similarity is below this is not evidence (cosine)."
    )
    index_kind: Literal["auto", "exact", "hnsw", "ivf"] = Field(
        "auto", description=(
            "Dense index: exact (flat), hnsw or ivf (approximate), or auto (exact below ann_threshold). FAISS "
            "files only: PostgreSQL always uses pgvector's HNSW index."
        ),
    )
    ann_threshold: int = Field(
        50_000, ge=1, description="Chunks from which 'auto' switches to the IVF index (FAISS files only)."
    )
    hnsw_m: int = Field(
        32, ge=4, description=(
            "HNSW graph degree (more: better recall, more memory). PostgreSQL builds its index with it when the "
            "table is created; an index built with another value is kept, and a warning at start says how to "
            "rebuild it."
        ),
    )
    hnsw_ef_construction: int = Field(
        64, ge=8, description="HNSW build-time search width (PostgreSQL: as hnsw_m, when its index is built)."
    )
    hnsw_ef_search: int = Field(
        128, ge=10, description=(
            "HNSW query-time search width (recall vs latency); PostgreSQL's hnsw.ef_search, at least candidates."
        ),
    )
    ivf_nprobe: int = Field(
        32, ge=1, description="IVF cells scanned per query (recall vs latency; FAISS files only)."
    )
    ingest_batch_chars: int = Field(
        1_000_000, ge=1, description=(
            "Characters of document text read and embedded per ingest batch: bounds ingest memory. An ingest "
            "still commits once, at the end. FAISS files only: PostgreSQL writes each document as it is read, "
            "inside the ingest's one transaction."
        ),
    )
