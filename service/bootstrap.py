"""The composition root: `build(settings)` makes the objects every entry point (CLI, HTTP, eval) uses.

Models load here, once, and nowhere else. `build_library` is the lighter variant for commands that only
need the index (ingest, search, documents): it loads the embedder but not the judge.

`Settings` is read here and by the front doors (the HTTP app's server settings, the CLI), nowhere deeper: each
component is handed the small frozen config it needs, made here (`pipeline_config`, `finder_config`,
`file_store_config`, `retriever_config`, `postgres_config`), so nothing reads its settings through another
object, and the stores (index/, pgstore/) never import service.config.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from index.ann import AnnParams, IndexKind
from index.embedder import SentenceTransformerEmbedder, resolve_embedding_model
from index.library import FileStoreConfig, Library
from index.onnx_embedder import OnnxEmbedder, exportable
from index.retriever import HybridRetriever, RetrieverConfig, ScoreWeights
from index.search import CollectionSearch
from pgstore.library import PostgresConfig, PostgresLibrary
from pgstore.search import PostgresSearch
from service.calibration import Calibration, bundled_calibration
from service.config import Settings
from service.errors import ConfigError, ModelUnavailableError
from service.evidence import EvidenceFinder, FinderConfig
from service.jobs.runner import JobRunner
from service.jobs.store import Job, JobStore
from service.judge import LlamaJudge
from service.models import resolve_llm
from service.observability import Metrics
from service.pipeline import ClaimRules, Pipeline, PipelineConfig
from service.ports import DocumentStore, Embedder, Judge, Verifier
from service.requests import JobClaim
from service.retrieval_config import RetrievalSettings
from service.schemas import verdict_json
from service.verdict_policy import LlmCall, PolicyConfig, VerdictSource
from service.verifiers.feature import FeatureVerifier

log = logging.getLogger(__name__)


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


@dataclass(frozen=True)
class Components:
    settings: Settings
    library: DocumentStore
    pipeline: Pipeline


def build_embedder(settings: Settings) -> Embedder:
    """The embedding model: on onnxruntime when it can serve it exactly (no torch import: seconds off every
    start), else sentence-transformers (index/onnx_embedder.py)."""
    models = settings.models
    if models.embedding_backend == "onnx" and models.device == "cpu":
        location, _ = resolve_embedding_model(models.embedding)
        if exportable(Path(location)):
            try:
                return OnnxEmbedder(models.embedding, Path(location), models.onnx_cache,
                                    batch_size=models.embedding_batch)
            except ModelUnavailableError as exc:  # e.g. a cache folder that cannot be written
                log.warning("%s; embedding with sentence-transformers instead", exc.detail)
    return SentenceTransformerEmbedder(models.embedding, batch_size=models.embedding_batch, device=models.device)


def build_judge(settings: Settings) -> Judge:
    models = settings.models
    return LlamaJudge(
        resolve_llm(models.llm, settings.models_dir),
        n_ctx=models.llm_context,
        n_threads=models.llm_threads,
        n_gpu_layers=models.llm_gpu_layers,
        n_batch=models.llm_batch,
        prompt_name=settings.judge.prompt,
        rationale_tokens=settings.judge.rationale_tokens,
    )


def build_verifier(settings: Settings, embedder: Embedder) -> Verifier:
    """The configured verifier, with the configured aggregation rule when one is set. One that cannot load (a
    missing or corrupt artifact, a hub model that is not cached while offline, labels that cannot be mapped) is
    `ModelUnavailableError`, at start-up."""
    from service.verifiers.nli import PairVerifier

    verifier = _load_verifier(settings, embedder)
    if settings.models.verifier_aggregation is not None and isinstance(verifier, PairVerifier):
        verifier.aggregation = settings.models.verifier_aggregation
    return verifier


def _load_verifier(settings: Settings, embedder: Embedder) -> Verifier:
    from service.verifiers.hf import TransformersNliVerifier, is_transformers_reference
    from service.verifiers.nli import BUNDLED_ARTIFACTS, HEADER_FILE, NliVerifier, bundled_nli_artifact

    models = settings.models
    choice = models.verifier
    if choice in BUNDLED_ARTIFACTS:
        return NliVerifier.load(bundled_nli_artifact(choice), threads=models.verifier_threads)
    if (Path(choice).expanduser() / HEADER_FILE).is_file():
        return NliVerifier.load(Path(choice).expanduser(), threads=models.verifier_threads)
    if is_transformers_reference(choice):
        return TransformersNliVerifier.load(choice, labels=models.verifier_labels, device=models.device)
    if choice == "cross-encoder" or choice.endswith(".safetensors"):
        from service.verifiers.cross_encoder import CrossEncoderVerifier

        return CrossEncoderVerifier.load(None if choice == "cross-encoder" else Path(choice))
    if choice == "feature" or choice.endswith(".npz"):
        return FeatureVerifier.load(embedder, None if choice == "feature" else Path(choice))
    if Path(choice).expanduser().is_dir():
        raise ModelUnavailableError(f"{choice} is neither an NLI verifier artifact ({HEADER_FILE}) nor a "
                                    "transformers model folder (config.json)")
    raise ModelUnavailableError(f"verifier not found: {choice} (VERICLAIM_MODELS__VERIFIER: nli, nli-minilm, "
                                "feature, cross-encoder, an artifact path, hf:NAME)")


def load_calibration(settings: Settings, verifier: Verifier | None) -> Calibration | None:
    """The configured calibration file (or the bundled one) when it was fitted for this verifier, else None.
    With `verdict_source=calibrated` its combiner decides; with `verifier` (the default) it sets the
    verifier's NEI threshold (offsets) and confidences, and brings in the LLM when it was fitted to help;
    with `llm` only its LLM offsets are used (when fitted for the configured LLM file; checked per verdict).
    A configured file that cannot be read is an error; a bundled one that is missing or fitted for another
    verifier is skipped, with a warning when its combiner was asked for."""
    path = settings.judge.calibration
    if settings.judge.verdict_source == "llm":
        try:
            calibration = Calibration.load(path)
        except ModelUnavailableError:
            if path is not None:
                raise
            return None
        return calibration if calibration.llm_offsets is not None else None
    if verifier is None:
        return None
    wanted = path is not None or settings.judge.verdict_source == "calibrated"
    try:
        calibration = Calibration.load(path or bundled_calibration(verifier.name))
    except ModelUnavailableError as exc:
        if path is not None:
            raise
        log.warning("calibration unavailable (%s); the verifier's raw probabilities decide", exc.detail)
        return None
    fitted = calibration.fitted_for.get("verifier")
    if fitted != verifier.name:
        (log.warning if wanted else log.info)(
            "calibration %s was fitted for verifier %r, not %r; the verifier's raw probabilities decide "
            "(run `vericlaim calibrate`)", path or "(bundled)", fitted, verifier.name)
        return None
    return calibration


def build_library(settings: Settings, embedder: Embedder | None = None) -> DocumentStore:
    """The collections (the `DocumentStore` port): FAISS files under VERICLAIM_HOME, or PostgreSQL when `store`
    names a database. A store URL of another scheme is `ConfigError`, before the embedder loads."""
    if settings.store and not settings.store.startswith(POSTGRES_SCHEMES):
        scheme = settings.store.split("://")[0] if "://" in settings.store else None  # never the URL: a password
        raise ConfigError(f"VERICLAIM_STORE {f'has the unknown scheme {scheme!r}' if scheme else 'is not a URL'}: "
                          "use postgresql://USER@HOST/DB, or leave it unset for files under VERICLAIM_HOME")
    embedder = embedder or build_embedder(settings)
    if settings.store:
        return PostgresLibrary(postgres_config(settings), embedder)
    return Library(file_store_config(settings), embedder)


def build_finder(settings: Settings, embedder: Embedder | None = None) -> EvidenceFinder:
    return _finder(settings, build_library(settings, embedder))


def _finder(settings: Settings, library: DocumentStore) -> EvidenceFinder:
    """Validation and retrieval over `library`; `build` keeps the store for `Components`, the finder sees only
    its `Collections` side. Each store's retriever gets the retrieval settings that apply to it (config.py says
    which apply to one store only)."""
    retrieval, config = settings.retrieval, finder_config(settings)
    if isinstance(library, PostgresLibrary):
        return EvidenceFinder(config, library, PostgresSearch(library, rrf_k=retrieval.rrf_k,
                                                              candidates=retrieval.candidates,
                                                              ef_search=retrieval.hnsw_ef_search))
    if isinstance(library, Library):
        return EvidenceFinder(config, library, CollectionSearch(library, HybridRetriever(library.embedder,
                                                                                         retriever_config(retrieval))))
    raise TypeError(f"no retriever for {type(library).__name__}")


def build(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    judge: Judge | None = None,
    verifier: Verifier | None = None,
    calibration: Calibration | None = None,
) -> Components:
    """Everything, with real models unless fakes are passed in (tests).

    A caller that injects an embedder (tests) injects its verifier (and calibration) too, or gets none (the
    judge then decides); otherwise the configured verifier is loaded, and one that cannot load is an error.
    """
    library = build_library(settings, embedder)
    finder = _finder(settings, library)
    if verifier is None and embedder is None:
        verifier = build_verifier(settings, library.embedder)
    if calibration is None and embedder is None:
        calibration = load_calibration(settings, verifier)
    pipeline = Pipeline(pipeline_config(settings), finder, judge or build_judge(settings), verifier, calibration)
    return Components(settings, library, pipeline)


def job_runner(components: Components, busy: Callable[[], bool], metrics: Metrics) -> JobRunner:
    """The HTTP server's job runner, over `VERICLAIM_HOME/jobs.sqlite3`: each line checked as /v1/check would
    and stored as it answers (`verdict_json`), yielding while `busy` (a request waits in the server's queue)."""
    pipeline = components.pipeline

    def check(claim: JobClaim, job: Job) -> dict[str, Any]:
        query = claim.to_query()
        verdict = pipeline.check(replace(query, collection=query.collection or job.collection), explain=job.explain)
        metrics.count([verdict])
        return verdict_json(verdict)

    store = JobStore(components.settings.home / "jobs.sqlite3")
    return JobRunner(store, check, busy, on_line=metrics.count_job_line)


def pipeline_config(settings: Settings) -> PipelineConfig:
    """The pipeline's share of the settings: the verdict policy's judge settings, the claim rules, the claim
    length and the evidence depth and reranking."""
    judge, claims, retrieval = settings.judge, settings.claims, settings.retrieval
    return PipelineConfig(
        policy=PolicyConfig(source=VerdictSource(judge.verdict_source), llm_call=LlmCall(judge.llm_call),
                            fast_path_confidence=judge.fast_path_confidence, numeric_decides=judge.numeric_decides),
        claims=ClaimRules(screen=claims.screen, decompose=claims.decompose, max_parts=claims.max_parts,
                          text_max_chars=claims.text_max_chars, text_max_claims=claims.text_max_claims),
        max_claim_chars=settings.max_claim_chars, top_k=retrieval.top_k,
        rerank_candidates=retrieval.rerank_candidates, rerank_weight=retrieval.rerank_weight)


def finder_config(settings: Settings) -> FinderConfig:
    """The evidence finder's share of the settings: the input length limit, the default depth, the floor."""
    return FinderConfig(max_claim_chars=settings.max_claim_chars, top_k=settings.retrieval.top_k,
                        min_score=settings.retrieval.min_score)


def file_store_config(settings: Settings) -> FileStoreConfig:
    """The file store's share of the settings: its folder and default collection, chunking, the dense index's
    build, the ingest batch and the integrity key."""
    retrieval, key = settings.retrieval, settings.integrity_key
    ann = AnnParams(kind=IndexKind(retrieval.index_kind), threshold=retrieval.ann_threshold, hnsw_m=retrieval.hnsw_m,
                    hnsw_ef_construction=retrieval.hnsw_ef_construction, hnsw_ef_search=retrieval.hnsw_ef_search,
                    ivf_nprobe=retrieval.ivf_nprobe)
    return FileStoreConfig(collections_dir=settings.collections_dir, collection=settings.collection,
                           chunking=settings.chunking.model_dump(), ann=ann,
                           ingest_batch_chars=retrieval.ingest_batch_chars,
                           integrity_key=key.get_secret_value().encode("utf-8") if key else None)


def retriever_config(retrieval: RetrievalSettings) -> RetrieverConfig:
    """The file store's hybrid retriever's share of the retrieval settings."""
    return RetrieverConfig(candidates=retrieval.candidates, rerank_chunks=retrieval.rerank_chunks,
                           rrf_k=retrieval.rrf_k, mmr_lambda=retrieval.mmr_lambda,
                           weights=ScoreWeights(**retrieval.weights.model_dump()))


def postgres_config(settings: Settings) -> PostgresConfig:
    """PostgreSQL's share of the settings; `store` names the database."""
    if not settings.store:
        raise ConfigError("VERICLAIM_STORE names no PostgreSQL database")
    retrieval = settings.retrieval
    return PostgresConfig(url=settings.store, collection=settings.collection, hnsw_m=retrieval.hnsw_m,
                          hnsw_ef_construction=retrieval.hnsw_ef_construction)
