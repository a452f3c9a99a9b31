"""One typed settings tree.

Every field can be set by environment variable (prefix `VERICLAIM_`, nested with `__`, e.g.
`VERICLAIM_RETRIEVAL__TOP_K=8`) or by a TOML file named in `VERICLAIM_CONFIG`. Environment beats the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from index.embedder import BUNDLED_MINILM
from service.retrieval_config import RetrievalSettings
from service.server_config import API_TOKEN_MIN_CHARS, ServerSettings
from service.verdict_policy import LlmCall, VerdictSource
from service.verifiers.aggregation import Aggregation

BUNDLED_GEMMA = "gemma3-270m"
BUNDLED_SMOLLM2 = "smollm2-135m"
BUNDLED_QWEN = "qwen2.5-coder-1.5b"


def default_datasets() -> Path:
    """VERICLAIM_DATASETS, else `shared/datasets` beside the repository checkout (where the public labelled sets
    live in development): never relative to the working directory."""
    configured = os.environ.get("VERICLAIM_DATASETS")
    return Path(configured).expanduser() if configured else Path(__file__).resolve().parents[2] / "shared" / "datasets"


def default_home() -> Path:
    """The per-user data folder, e.g. `~/.local/share/vericlaim` on Linux."""
    return Path(platformdirs.user_data_dir("vericlaim", appauthor=False))


class ModelSettings(BaseModel):
    llm: str = Field(
        BUNDLED_GEMMA,
        description=(
            "The judge model: 'gemma3-270m' (bundled, default), 'smollm2-135m' (needs the smollm2 extra), "
            "'qwen2.5-coder-1.5b' (Qwen2.5-Coder-1.5B-Instruct Q4_K_M; needs the qwen extra), a path to any .gguf "
            "file, or 'hf:REPO_ID/FILE.gguf' to download from the Hugging Face hub."
        ),
    )
    llm_context: int = Field(2048, ge=512, description="Context window in tokens for the judge.")
    llm_threads: int | None = Field(None, ge=1, description="CPU threads for llama.cpp (default: all cores).")
    llm_gpu_layers: int = Field(0, description="Layers to offload to the GPU (-1 = all) on a CUDA build.")
    llm_batch: int = Field(256, ge=16, description="llama.cpp batch size for prompt evaluation.")
    embedding: str = Field(
        BUNDLED_MINILM,
        description=(
            "Sentence-transformers model: 'all-MiniLM-L6-v2' loads the bundled copy offline; "
            "'vericlaim-retriever-v1' the bundled MiniLM tuned on claim → evidence pairs (int8 ONNX; its card: "
            "service/models_data/RETRIEVER_CARD.md); any other value is a local folder or a hub model name. "
            "Collections remember theirs: `vericlaim reindex` re-embeds one after a change."
        ),
    )
    embedding_batch: int = Field(64, ge=1, description="Sentences per embedding batch.")
    embedding_backend: Literal["onnx", "torch"] = Field(
        "onnx", description=(
            "onnx: a local sentence-transformers folder with mean pooling (the bundled MiniLM, all-mpnet-base-v2) "
            "is exported once to ONNX (cached in onnx_cache) and served by onnxruntime, the same vectors without "
            "importing torch; other models, and any model on a GPU device, use sentence-transformers. torch: "
            "always sentence-transformers."
        ),
    )
    onnx_cache: Path = Field(
        default_factory=lambda: Path(platformdirs.user_cache_dir("vericlaim", appauthor=False)) / "onnx",
        description="Where exported ONNX graphs are kept (shared by every VERICLAIM_HOME of this user).",
    )
    verifier: str = Field(
        "nli",
        description=(
            "The trained verifier: 'nli' (bundled NLI cross-encoder on all 12 layers of all-mpnet-base-v2, v4, "
            "default; about 0.13 s per claim on 2 cores), 'nli-mpnet-v2' (its first 6 layers, the default until v4: "
            "half the cost, weaker on most dev sets), 'nli-mpnet-v3' (v2 trained on with filing figures: better on "
            "financial filings and with gold evidence, slightly worse through the pipeline elsewhere), 'nli-minilm' "
            "(the earlier all-MiniLM-L6-v2 one: a third of the cost, weaker; for small machines), 'feature' (the "
            "earlier feature verifier), 'cross-encoder' (earlier MiniLM cross-encoder; measured weaker), a path to "
            "an artifact from "
            "`vericlaim verifier train` (an NLI artifact folder), `train-feature` (.npz) or `train-cross-encoder` "
            "(.safetensors), or any Hugging Face sequence-classification NLI model: 'hf:OWNER/NAME' (hub or local "
            "cache) or a local folder."
        ),
    )
    verifier_aggregation: Aggregation | None = Field(
        None, description=(
            "How the verifier's readings of each passage (and of all of them together) become the claim's "
            "probabilities: decisive, joint, first, max, mean or rank-weighted (service/verifiers/aggregation.py). "
            "Default: the rule the artifact's header names (chosen for it on the calibration claims)."
        ),
    )
    verifier_labels: list[str] | None = Field(
        None, description=(
            "Meanings of a Hugging Face verifier's outputs in order (entailment, neutral, contradiction, "
            "not_entailment…), when its config's id2label does not say (e.g. LABEL_0, LABEL_1)."
        ),
    )
    verifier_threads: int | None = Field(
        None, ge=1, description="CPU threads for the NLI verifier's ONNX session (default: up to 4)."
    )
    device: str = Field("cpu", description="Torch device for the embedder ('cpu', 'cuda').")


class ChunkingSettings(BaseModel):
    max_chars: int = Field(700, ge=100, description="Largest chunk, in characters (whole sentences only).")
    overlap_sentences: int = Field(1, ge=0, description="Sentences repeated between neighbouring chunks.")


class JudgeSettings(BaseModel):
    prompt: str = Field("verify_claim.v1", description="Prompt template name in prompts/.")
    verdict_source: VerdictSource = Field(
        VerdictSource.VERIFIER,
        description=(
            "Who decides past the no-evidence and numeric rules: the trained verifier's probabilities (default; "
            "a calibration file fitted for the verifier sets their confidence); the calibrated combination of "
            "retrieval, verifier, numeric and (when calibrated for it) LLM signals from a `vericlaim calibrate` "
            "file (measured worse than the verifier alone with the bundled file on 3-way dev sets: fit one on "
            "your own labelled claims); or the LLM judge's raw probabilities."
        ),
    )
    llm_call: LlmCall = Field(
        LlmCall.AUTO,
        description=(
            "When the LLM judge is asked: auto (only when the calibration file shows this model helps and the "
            "verdict without it is below fast_path_confidence), always, or never."
        ),
    )
    fast_path_confidence: float = Field(
        0.85, ge=0, le=1, description="With llm_call=auto, verdicts at least this confident skip the LLM."
    )
    calibration: Path | None = Field(
        None, description=(
            "Calibration file from `vericlaim calibrate` (default: the bundled one, used only with the bundled "
            "verifier): the verifier's temperature, the rules' confidences, the combiner."
        ),
    )
    numeric_decides: bool = Field(
        True, description="A clear numeric match or mismatch settles the verdict without the LLM."
    )
    rationale_tokens: int = Field(
        40, ge=0, description="Tokens the judge may write as its rationale (0 = no LLM-written rationale)."
    )


class ClaimSettings(BaseModel):
    """How a claim or a text is read before it is checked (service/claims/)."""

    screen: bool = Field(
        True, description="Questions, predictions, opinions and filler get NOT_ENOUGH_INFO with the reason "
        "'not a checkable statement (…)' instead of a check.")
    decompose: bool = Field(
        True, description="A compound claim is split into atomic parts, each checked; the claim is REFUTED if "
        "any part is, SUPPORTED only if all are.")
    max_parts: int = Field(6, ge=2, le=12, description="A claim that splits into more parts is checked whole.")
    text_max_chars: int = Field(20_000, ge=100, description="Longest text `check-text` and /v1/check/text take.")
    text_max_claims: int = Field(
        40, ge=1, description="Checkable sentences `check-text` checks; the rest are listed as not checked.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VERICLAIM_", env_nested_delimiter="__", extra="ignore")

    home: Path = Field(default_factory=default_home, description="Data folder (VERICLAIM_HOME).")
    collection: str = Field("default", description="Collection used when none is named.")
    store: str | None = Field(None, description=(
        "postgresql://… keeps collections in PostgreSQL with pgvector, shared by every process pointed at it "
        "(VERICLAIM_STORE; pip install 'vericlaim[postgres]'); unset: FAISS files under VERICLAIM_HOME."))
    max_claim_chars: int = Field(1000, ge=10, description="Longest accepted claim or question.")
    datasets: Path = Field(default_factory=default_datasets, description=(
        "Folder of the public labelled claim sets and NLI pairs that training and benchmarks read "
        "(VERICLAIM_DATASETS; default: shared/datasets beside the checkout)."))
    integrity_key: SecretStr | None = Field(None, description=(
        "A secret (VERICLAIM_INTEGRITY_KEY) with which each collection's CURRENT pointer signs its manifest "
        "(HMAC-SHA256): files edited and their checksums recomputed by someone without the key are then reported "
        "(index_corrupt), not served. Without it, the checksums catch accidents and partial writes only."))
    api_token: SecretStr | None = Field(None, description=(
        "Bearer token that adding and deleting documents over HTTP require (VERICLAIM_API_TOKEN); unset, "
        "writes are open, and `vericlaim serve` then binds only a loopback address."))
    models: ModelSettings = ModelSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    judge: JudgeSettings = JudgeSettings()
    claims: ClaimSettings = ClaimSettings()
    server: ServerSettings = ServerSettings()

    @field_validator("home")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator("api_token")
    @classmethod
    def _usable_token(cls, value: SecretStr | None) -> SecretStr | None:
        """An empty token is no token (an unset variable in a compose file). Whitespace around it (an env file's
        trailing newline) is not part of it; a token that is only whitespace, holds whitespace or other
        characters a header cannot carry, or is short, is refused."""
        if value is None or not value.get_secret_value():
            return None
        token = value.get_secret_value().strip()
        if not token:
            raise ValueError("VERICLAIM_API_TOKEN is only whitespace: set a real token, or leave it empty for none")
        if len(token) < API_TOKEN_MIN_CHARS:
            raise ValueError(f"VERICLAIM_API_TOKEN must be at least {API_TOKEN_MIN_CHARS} characters")
        if any(ch.isspace() or not ch.isprintable() or not ch.isascii() for ch in token):
            raise ValueError("VERICLAIM_API_TOKEN may hold only printable ASCII without spaces (it travels in a "
                             "header)")
        return SecretStr(token)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[Any] = [init_settings, env_settings]
        config_file = os.environ.get("VERICLAIM_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def collections_dir(self) -> Path:
        return self.home / "collections"
