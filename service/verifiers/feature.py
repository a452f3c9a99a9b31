"""A small trained verifier: cheap features over frozen MiniLM embeddings and a numpy softmax head.

    embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    verifier = FeatureVerifier.load(embedder)          # the bundled artifact, service/models_data/
    verifier.score(claim, passages)                    # {Label: probability}, summing to 1

The artifact (`VerifierModel`, one `.npz` file well under 1 MB) holds the feature names, the projection
of the embedding pair vector, the standardisation and the head's layers (multinomial logistic regression
or a one-hidden-layer MLP), plus JSON metadata: training sets, licences, dev scores. Inference needs numpy
only. `vericlaim verifier train-feature` builds it; `service/models_data/VERIFIER_CARD.md` describes it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from service.domain import Label, Passage
from service.errors import ModelUnavailableError
from service.ports import Embedder
from service.verifiers.features import FEATURES, MAX_SENTENCES, evidence_features, passage_sentences

ARTIFACT_NAME = "verifier.v2.npz"
LABELS: tuple[Label, ...] = (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO)
_FORMAT = "vericlaim-feature-verifier/1"


def bundled_artifact() -> Path:
    """Where the shipped artifact lives inside the installed package."""
    return Path(str(resources.files("service") / "models_data" / ARTIFACT_NAME))


@dataclass(frozen=True)
class VerifierModel:
    """Everything the verifier learned: projection, standardisation, head layers, metadata."""

    feature_names: tuple[str, ...]
    projection_mean: np.ndarray  # (2d,)
    projection: np.ndarray  # (2d, k)
    mean: np.ndarray  # (features + k,)
    scale: np.ndarray  # (features + k,)
    weights: tuple[np.ndarray, ...]  # one per layer; ReLU between layers, softmax after the last
    biases: tuple[np.ndarray, ...]
    embedding_model: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def design(self, features: np.ndarray, pair_vectors: np.ndarray) -> np.ndarray:
        """Rows of cue features plus the projected pair vectors, standardised: the head's input."""
        projected = (np.atleast_2d(pair_vectors) - self.projection_mean) @ self.projection
        return np.asarray((np.hstack([np.atleast_2d(features), projected]) - self.mean) / self.scale)

    def probabilities(self, design: np.ndarray) -> np.ndarray:
        """Softmax over `LABELS` for each row of a standardised design matrix."""
        hidden = np.atleast_2d(design).astype(np.float64)
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            hidden = hidden @ weight + bias
            if index < len(self.weights) - 1:
                hidden = np.maximum(hidden, 0.0)
        hidden -= hidden.max(axis=1, keepdims=True)
        exp = np.exp(hidden)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)

    def save(self, path: Path) -> None:
        arrays = {
            "projection_mean": self.projection_mean.astype(np.float32),
            "projection": self.projection.astype(np.float32),
            "mean": self.mean.astype(np.float32),
            "scale": self.scale.astype(np.float32),
        }
        for index, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            arrays[f"weight_{index}"] = weight.astype(np.float32)
            arrays[f"bias_{index}"] = bias.astype(np.float32)
        header = {"format": _FORMAT, "feature_names": list(self.feature_names), "layers": len(self.weights),
                  "labels": [label.value for label in LABELS], "embedding_model": self.embedding_model,
                  "metadata": self.metadata}
        arrays["header"] = np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        # allow_pickle named, so that mypy does not match `**arrays` against it (the arrays hold numbers only)
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
        path.write_bytes(buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> VerifierModel:
        try:
            with np.load(path, allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode("utf-8"))
                layers = int(header["layers"])
                arrays = {name: data[name].astype(np.float64) for name in data.files if name != "header"}
        except (OSError, ValueError, KeyError) as exc:
            raise ModelUnavailableError(f"cannot read verifier artifact {path}: {exc}") from None
        if header.get("format") != _FORMAT or header.get("labels") != [label.value for label in LABELS]:
            raise ModelUnavailableError(f"{path} is not a {_FORMAT} artifact")
        return cls(
            feature_names=tuple(header["feature_names"]),
            projection_mean=arrays["projection_mean"],
            projection=arrays["projection"],
            mean=arrays["mean"],
            scale=arrays["scale"],
            weights=tuple(arrays[f"weight_{i}"] for i in range(layers)),
            biases=tuple(arrays[f"bias_{i}"] for i in range(layers)),
            embedding_model=header["embedding_model"],
            metadata=header.get("metadata", {}),
        )


class FeatureVerifier:
    """`Verifier` over a `VerifierModel` and the embedder it was trained with. Cheap to call; load once."""

    def __init__(self, model: VerifierModel, embedder: Embedder) -> None:
        if tuple(model.feature_names) != FEATURES:
            raise ModelUnavailableError("the verifier artifact was built for other features; retrain it "
                                        "(vericlaim verifier train-feature)")
        if model.embedding_model != embedder.name or model.projection.shape[0] != 2 * embedder.dimension:
            raise ModelUnavailableError(f"the verifier was trained on {model.embedding_model!r} embeddings, "
                                        f"not {embedder.name!r}")
        self.model = model
        self.embedder = embedder
        self.name = str(model.metadata.get("name", "feature-verifier"))
        self.metadata = model.metadata

    @classmethod
    def load(cls, embedder: Embedder, path: Path | None = None) -> FeatureVerifier:
        """The artifact at `path`, or the bundled one."""
        path = path or bundled_artifact()
        if not path.is_file():
            raise ModelUnavailableError(f"verifier artifact not found: {path}")
        return cls(VerifierModel.load(path), embedder)

    def score(self, claim: str, evidence: Sequence[Passage]) -> dict[Label, float]:
        sentences = [s for passage in evidence for s in passage_sentences(passage.as_read)][:MAX_SENTENCES]
        if not sentences:
            return {Label.SUPPORTED: 0.0, Label.REFUTED: 0.0, Label.NOT_ENOUGH_INFO: 1.0}
        vectors = self.embedder.encode([claim, *sentences])
        features, pair = evidence_features(claim, sentences, vectors[0], vectors[1:])
        return self.probabilities(features, pair)

    def probabilities(self, features: np.ndarray, pair_vector: np.ndarray) -> dict[Label, float]:
        row = self.model.probabilities(self.model.design(features, pair_vector))[0]
        return {label: float(p) for label, p in zip(LABELS, row, strict=True)}
