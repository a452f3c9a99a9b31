"""What the composition root hands each component: its own small frozen config, made from the settings, every
value as set (service/bootstrap.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from index.ann import AnnParams, IndexKind
from index.library import FileStoreConfig, Library
from index.retriever import RetrieverConfig, ScoreWeights
from index.search import CollectionSearch
from pgstore.library import PostgresConfig
from service.bootstrap import build, postgres_config
from service.config import Settings
from service.errors import ConfigError
from service.evidence import FinderConfig
from service.fakes import HashingEmbedder, KeywordJudge
from service.pipeline import ClaimRules, PipelineConfig
from service.verdict_policy import LlmCall, PolicyConfig, VerdictSource

pytestmark = pytest.mark.unit

RETRIEVAL = {"top_k": 3, "candidates": 11, "rerank_chunks": 4, "rrf_k": 7, "rerank_candidates": 9,
             "rerank_weight": 0.5, "mmr_lambda": 0.8, "min_score": 0.1, "index_kind": "hnsw", "ann_threshold": 99,
             "hnsw_m": 8, "hnsw_ef_construction": 20, "hnsw_ef_search": 40, "ivf_nprobe": 5,
             "ingest_batch_chars": 1234, "weights": {"dense": 0.9, "numbers": 0.2}}


def test_each_component_is_handed_its_share_of_the_settings(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, collection="claims", max_claim_chars=300, retrieval=RETRIEVAL,
                        chunking={"max_chars": 400, "overlap_sentences": 0}, integrity_key="k" * 32,
                        claims={"screen": False, "max_parts": 3, "text_max_chars": 500, "text_max_claims": 7},
                        judge={"verdict_source": "llm", "llm_call": "never", "fast_path_confidence": 0.7,
                               "numeric_decides": False})

    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge())

    assert built.pipeline.config == PipelineConfig(
        policy=PolicyConfig(VerdictSource.LLM, LlmCall.NEVER, fast_path_confidence=0.7, numeric_decides=False),
        claims=ClaimRules(screen=False, decompose=True, max_parts=3, text_max_chars=500, text_max_claims=7),
        max_claim_chars=300, top_k=3, rerank_candidates=9, rerank_weight=0.5)
    assert built.pipeline.finder.config == FinderConfig(max_claim_chars=300, top_k=3, min_score=0.1)
    assert isinstance(built.library, Library)
    assert built.library.config == FileStoreConfig(
        collections_dir=tmp_path / "collections", collection="claims", chunking={"max_chars": 400,
                                                                                 "overlap_sentences": 0},
        ann=AnnParams(IndexKind.HNSW, threshold=99, hnsw_m=8, hnsw_ef_construction=20, hnsw_ef_search=40,
                      ivf_nprobe=5),
        ingest_batch_chars=1234, integrity_key=b"k" * 32)
    search = built.pipeline.finder.retriever
    assert isinstance(search, CollectionSearch)
    assert search.retriever.config == RetrieverConfig(
        candidates=11, rerank_chunks=4, rrf_k=7, mmr_lambda=0.8,
        weights=ScoreWeights(dense=0.9, bm25=0.6, chunk_dense=1.0, chunk_bm25=1.0, document_dense=0.5,
                             document_bm25=0.5, numbers=0.2, telling_figures=1.0))


def test_the_configs_are_frozen_and_keep_secrets_out_of_their_repr(tmp_path: Path) -> None:
    library = build(Settings(home=tmp_path, integrity_key="secret-" * 5), embedder=HashingEmbedder(),
                    judge=KeywordJudge()).library
    assert isinstance(library, Library)

    with pytest.raises(dataclasses.FrozenInstanceError):
        library.config.collection = "other"  # type: ignore[misc]
    assert "secret" not in repr(library.config)


def test_postgresql_is_handed_its_database_collection_and_index_build(tmp_path: Path) -> None:
    url = "postgresql://claims:hunter2@db/claims"
    settings = Settings(home=tmp_path, store=url, collection="c", retrieval={"hnsw_m": 8, "hnsw_ef_construction": 20})

    config = postgres_config(settings)

    assert config == PostgresConfig(url=url, collection="c", hnsw_m=8, hnsw_ef_construction=20)
    assert "hunter2" not in repr(config)
    with pytest.raises(ConfigError):
        postgres_config(Settings(home=tmp_path, store=None))
