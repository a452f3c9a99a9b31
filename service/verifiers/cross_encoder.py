"""A cross-encoder verifier: MiniLM reads the claim and its evidence together and names a label.

    verifier = CrossEncoderVerifier.load()             # the bundled artifact, service/models_data/
    verifier.score(claim, passages)                    # {Label: probability}, summing to 1
    verifier.predict_pairs(claims, evidences)          # (n, 3) probabilities in `LABELS` order

The model is sentence-transformers' `CrossEncoder` over the bundled all-MiniLM-L6-v2 with a 3-way
classification head (claim as text A, the evidence texts joined with spaces as text B, CLS pooler). Only the
top transformer layer, the pooler and the classifier were trained; the artifact (`CrossVerifierWeights`, one
fp16 `.safetensors` file of about 3.7 MiB) holds just those tensors plus a JSON header: base model, trained
layer, maximum length, labels, training sets and licences, dev scores. Every other weight comes from the
bundled base model. `vericlaim verifier train-cross-encoder` builds it;
`service/models_data/CROSS_VERIFIER_CARD.md` describes it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from service.domain import Label, Passage
from service.errors import ModelUnavailableError

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

ARTIFACT_NAME = "cross_verifier.v1.safetensors"
LABELS: tuple[Label, ...] = (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO)
FORMAT = "vericlaim-cross-verifier/1"
_HEADER_KEY = "vericlaim"


def bundled_cross_artifact() -> Path:
    """Where the shipped artifact lives inside the installed package."""
    return Path(str(resources.files("service") / "models_data" / ARTIFACT_NAME))


def trained_prefixes(layer: int) -> tuple[str, ...]:
    """Parameter-name prefixes (inside `BertForSequenceClassification`) of what training changes."""
    return (f"bert.encoder.layer.{layer}.", "bert.pooler.", "classifier.")


def build_cross_encoder(base_model: str, max_length: int) -> CrossEncoder:
    """A 3-label `CrossEncoder` over `base_model` (a name `index.embedder` resolves), head untrained."""
    from index.embedder import resolve_embedding_model

    location, offline = resolve_embedding_model(base_model)
    from sentence_transformers import CrossEncoder
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    verbosity = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()  # "classifier weights newly initialised" is expected here
    try:
        model = CrossEncoder(location, num_labels=len(LABELS), max_length=max_length, device="cpu",
                             local_files_only=offline)
    except OSError as exc:
        raise ModelUnavailableError(f"cannot load cross-encoder base model {base_model!r}: {exc}") from None
    finally:
        transformers_logging.set_verbosity(verbosity)
    config = model[0].model.config
    config.id2label = {i: label.value for i, label in enumerate(LABELS)}
    config.label2id = {label.value: i for i, label in enumerate(LABELS)}
    return model


@dataclass(frozen=True)
class CrossVerifierWeights:
    """The trained tensors (names as in `BertForSequenceClassification`) and the header describing them."""

    tensors: dict[str, np.ndarray]
    base_model: str
    layer: int
    max_length: int
    metadata: dict[str, Any] = field(default_factory=dict)

    def header(self) -> dict[str, Any]:
        return {"format": FORMAT, "base_model": self.base_model, "layer": self.layer,
                "max_length": self.max_length, "labels": [label.value for label in LABELS],
                "metadata": self.metadata}

    def save(self, path: Path) -> None:
        from safetensors.numpy import save_file

        path.parent.mkdir(parents=True, exist_ok=True)
        tensors = {name: np.ascontiguousarray(value, dtype=np.float16) for name, value in sorted(self.tensors.items())}
        save_file(tensors, str(path), metadata={_HEADER_KEY: json.dumps(self.header(), sort_keys=True)})

    @staticmethod
    def read_header(path: Path) -> dict[str, Any]:
        """The JSON header alone, without reading the tensors."""
        from safetensors import SafetensorError, safe_open

        try:
            with safe_open(str(path), framework="numpy") as handle:
                header: dict[str, Any] = json.loads((handle.metadata() or {})[_HEADER_KEY])
        except (OSError, ValueError, KeyError, SafetensorError) as exc:
            raise ModelUnavailableError(f"cannot read cross-verifier artifact {path}: {exc}") from None
        if header.get("format") != FORMAT or header.get("labels") != [label.value for label in LABELS]:
            raise ModelUnavailableError(f"{path} is not a {FORMAT} artifact")
        return header

    @classmethod
    def load(cls, path: Path) -> CrossVerifierWeights:
        from safetensors.numpy import load_file

        header = cls.read_header(path)
        tensors = {name: value.astype(np.float32) for name, value in load_file(str(path)).items()}
        return cls(tensors, header["base_model"], int(header["layer"]), int(header["max_length"]),
                   header.get("metadata", {}))


def apply_weights(model: CrossEncoder, weights: CrossVerifierWeights) -> None:
    """Copy the trained tensors into `model`; every one must exist there with its shape, and none be missing."""
    import torch

    network = model[0].model
    state = network.state_dict()
    expected = {name for name in state if name.startswith(trained_prefixes(weights.layer))}
    if set(weights.tensors) != expected:
        raise ModelUnavailableError("the cross-verifier artifact does not match its base model: "
                                    f"{sorted(set(weights.tensors) ^ expected)[:4]} ...")
    for name, value in weights.tensors.items():
        if tuple(state[name].shape) != value.shape:
            raise ModelUnavailableError(f"cross-verifier tensor {name} has shape {value.shape}, "
                                        f"the base model {tuple(state[name].shape)}")
    network.load_state_dict({name: torch.from_numpy(value) for name, value in weights.tensors.items()},
                            strict=False)
    network.eval()


class CrossEncoderVerifier:
    """`Verifier` over a trained `CrossEncoder`. Loading takes about a second; load once, not per request."""

    def __init__(self, model: CrossEncoder, weights: CrossVerifierWeights, *, batch_size: int = 32) -> None:
        self.model = model
        self.weights = weights
        self.batch_size = batch_size
        self.name = str(weights.metadata.get("name", "cross-verifier"))
        self.metadata = weights.metadata

    @classmethod
    def load(cls, path: Path | None = None) -> CrossEncoderVerifier:
        """The artifact at `path`, or the bundled one, over the base model its header names."""
        path = path or bundled_cross_artifact()
        if not path.is_file():
            raise ModelUnavailableError(f"cross-verifier artifact not found: {path}")
        weights = CrossVerifierWeights.load(path)
        model = build_cross_encoder(weights.base_model, weights.max_length)
        apply_weights(model, weights)
        return cls(model, weights)

    def predict_pairs(self, claims: Sequence[str], evidences: Sequence[str]) -> np.ndarray:
        """Probabilities (n, 3) in `LABELS` order for each (claim, evidence text) pair."""
        if len(claims) != len(evidences):
            raise ValueError(f"{len(claims)} claims but {len(evidences)} evidence texts")
        if not claims:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        logits = self.model.predict(list(zip(claims, evidences, strict=True)), batch_size=self.batch_size,
                                    show_progress_bar=False, convert_to_numpy=True)
        logits = np.asarray(logits, dtype=np.float64).reshape(len(claims), len(LABELS))
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)

    def score(self, claim: str, evidence: Sequence[Passage]) -> dict[Label, float]:
        text = " ".join(passage.as_read.strip() for passage in evidence).strip()
        if not text:
            return {Label.SUPPORTED: 0.0, Label.REFUTED: 0.0, Label.NOT_ENOUGH_INFO: 1.0}
        row = self.predict_pairs([claim], [text])[0]
        return {label: float(p) for label, p in zip(LABELS, row, strict=True)}
