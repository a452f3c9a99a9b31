"""The NLI verifier: a cross-encoder reads each evidence passage with the claim and names entailment,
contradiction or neutral; the passages' verdicts are aggregated into the claim's.

    verifier = NliVerifier.load()                      # the default artifact, service/models_data/nli_verifier.v4
    verifier = NliVerifier.load(bundled_nli_artifact("nli-minilm"))   # the smaller, earlier one (v1)
    verifier = NliVerifier.load(bundled_nli_artifact("nli-mpnet-v3")) # v2 trained on with filing figures
    verifier.score(claim, passages)                    # {Label: probability}, summing to 1
    verifier.assess(claim, passages)                   # the same, with each passage's probabilities

The artifact is a folder (`training.nli_export` writes it): `model.onnx`, an int8 ONNX graph of the fine-tuned
encoder and its 3-way head (or, for v4's 12 layers, 4-bit weights turned into int8 at the first load:
`service.verifiers.nbits`), and `verifier.json`, its header. The graph takes word embeddings, not token ids:
the word-embedding table stayed frozen in training, so it is read from the installed base model
(all-mpnet-base-v2 for v2, v3 and v4, all-MiniLM-L6-v2 for v1) and checked against the sha256 in the header. The
tokenizer is the base model's `tokenizer.json`. onnxruntime, tokenizers, safetensors and numpy serve it; torch is
not imported.

Every passage is read with the claim, each pair in a call of its own (`predict_pairs`), and so, when there are
several, are all of them read together (the evidence a single sentence does not carry). The claim's
probabilities come from these readings by the verifier's aggregation rule (`service.verifiers.aggregation`; the
artifact's header names the one chosen for it on the calibration claims, `VERICLAIM_MODELS__VERIFIER_AGGREGATION`
overrides it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import softmax

from service.domain import Label, Passage
from service.errors import ModelUnavailableError
from service.onnx_sessions import cpu_session
from service.ports import Assessment
from service.text import NOT_DISCLOSED
from service.verifiers.aggregation import Aggregation, aggregate
from service.verifiers.nbits import served_graph, stores_four_bit

BUNDLED_ARTIFACTS = {  # VERICLAIM_MODELS__VERIFIER value → folder in service/models_data
    "nli": "nli_verifier.v4",  # all 12 layers of all-mpnet-base-v2, 4-bit weights served as int8: the default
    "nli-mpnet": "nli_verifier.v4",  # the same, by its base's name
    "nli-mpnet-v4": "nli_verifier.v4",  # the same, by its version
    "nli-mpnet-v2": "nli_verifier.v2",  # the first 6 layers: the default until v4, half the cost
    "nli-mpnet-v3": "nli_verifier.v3",  # v2 trained on with filing figures: better on filings, not the default
    "nli-minilm": "nli_verifier.v1",  # all-MiniLM-L6-v2: a third of the size, two thirds of the cost
}
FORMAT = "vericlaim-nli-verifier/1"
HEADER_FILE = "verifier.json"
MODEL_FILE = "model.onnx"
REQUIRED_KEYS = ("base_model", "labels", "max_length", "word_embeddings_sha256")
NLI_ORDER: tuple[Label, ...] = (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO)  # probability columns
_NO_EVIDENCE = {Label.SUPPORTED: 0.0, Label.REFUTED: 0.0, Label.NOT_ENOUGH_INFO: 1.0}
# Label names models use, by what they mean. A two-way model ("not entailed") cannot tell REFUTED from NEI.
_KINDS = {
    "entailment": ("entail", "support", "true", "consistent", "faithful"),
    "contradiction": ("contradict", "refute", "false"),
    "neutral": ("neutral", "not enough", "not_enough", "nei", "unknown", "undetermined"),
    "not_entailment": ("not_entail", "not entail", "non_entail", "non-entail", "unsupported", "not_supported",
                       "not supported", "inconsistent", "unfaithful", "hallucinat"),
}


def bundled_nli_artifact(name: str = "nli") -> Path:
    return Path(str(resources.files("service") / "models_data" / BUNDLED_ARTIFACTS[name]))


def label_kinds(names: Sequence[str]) -> list[str]:
    """What each of a model's output labels means: entailment, contradiction, neutral or not_entailment.

    Raises `ModelUnavailableError` when a name cannot be mapped, or the set is not a 3-way NLI head
    (entailment, contradiction, neutral) or a 2-way one (entailment, not_entailment)."""
    kinds = []
    for name in names:
        key = name.strip().lower().replace("-", "_")
        # "not_entailment" contains "entail": test the negative names first
        kind = next((k for k in ("not_entailment", "neutral", "contradiction", "entailment")
                     if any(word.replace("-", "_") in key for word in _KINDS[k])), None)
        if kind is None:
            raise ModelUnavailableError(f"cannot tell what the verifier label {name!r} means; set "
                                        "VERICLAIM_MODELS__VERIFIER_LABELS to its labels' meanings in order "
                                        "(e.g. 'entailment,neutral,contradiction')")
        kinds.append(kind)
    if sorted(kinds) not in (["contradiction", "entailment", "neutral"], ["entailment", "not_entailment"]):
        raise ModelUnavailableError(f"verifier labels {list(names)} map to {kinds}: need entailment, neutral and "
                                    "contradiction, or entailment and not_entailment")
    return kinds


def to_label_columns(probabilities: np.ndarray, kinds: Sequence[str]) -> np.ndarray:
    """(n, k) model probabilities → (n, 3) in `NLI_ORDER`. A two-way model's "not entailed" goes to
    NOT_ENOUGH_INFO: it never says REFUTED."""
    column = {kind: i for i, kind in enumerate(kinds)}
    out = np.zeros((len(probabilities), 3), dtype=np.float64)
    out[:, 0] = probabilities[:, column["entailment"]]
    if "contradiction" in column:
        out[:, 1] = probabilities[:, column["contradiction"]]
        out[:, 2] = probabilities[:, column["neutral"]]
    else:
        out[:, 2] = probabilities[:, column["not_entailment"]]
    return out


def evidence_readings(evidence: Sequence[Passage]) -> list[str]:
    """What the model reads for a claim: each passage, then (if several) all of them in order."""
    texts = [passage.as_read.strip() for passage in evidence]
    return texts + ([" ".join(texts)] if len(texts) > 1 else [])


def read_word_embeddings(folder: Path) -> np.ndarray:
    """The word-embedding table of the transformers model in `folder` (its model.safetensors)."""
    from safetensors import SafetensorError, safe_open

    path = folder / "model.safetensors"
    try:
        with safe_open(str(path), framework="numpy") as handle:
            key = next((k for k in handle.keys() if k.endswith("word_embeddings.weight")), None)  # noqa: SIM118
            if key is None:
                raise ModelUnavailableError(f"{path} has no word-embedding table")
            return np.ascontiguousarray(handle.get_tensor(key), dtype=np.float32)
    except (OSError, SafetensorError) as exc:
        raise ModelUnavailableError(f"cannot read the base model's word embeddings from {path}: {exc}") from None


def embedding_digest(table: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(table, dtype=np.float32).tobytes()).hexdigest()


def _pad_token(folder: Path) -> str:
    try:
        special = json.loads((folder / "special_tokens_map.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "[PAD]"
    pad = special.get("pad_token", "[PAD]")
    return pad["content"] if isinstance(pad, dict) else str(pad)


def silent_is_not_refuting(rows: np.ndarray, evidence: Sequence[Passage]) -> np.ndarray:
    """The readings with a passage that says something was not disclosed ("Northwind did not disclose how long
    the run lasted") moved from contradiction to neutral: the model reads its negation as a contradiction, but a
    document that is silent on the claim refutes nothing. The joint reading too, which reads that passage among
    the others (a passage that does refute still says so in its own reading)."""
    silent = [bool(NOT_DISCLOSED.search(passage.text)) for passage in evidence]
    if not any(silent):
        return rows
    rows = np.array(rows, dtype=float)
    for i in [i for i, flag in enumerate(silent) if flag] + list(range(len(evidence), len(rows))):
        rows[i, 2] += rows[i, 1]
        rows[i, 1] = 0.0
    return rows


class PairVerifier:
    """A `Verifier` from a model that scores (evidence, claim) pairs: `predict_pairs` is the model; reading
    the evidence (`evidence_readings`) and aggregating (`aggregate`) are shared."""

    name: str = "pair-verifier"
    metadata: dict[str, Any]
    aggregation: Aggregation = Aggregation.DECISIVE

    def predict_pairs(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """Probabilities (n, 3) in `NLI_ORDER` for each (evidence, claim) pair."""
        raise NotImplementedError

    def assess(self, claim: str, evidence: Sequence[Passage], singles: np.ndarray | None = None) -> Assessment:
        """`singles`: each passage's rows, already predicted (by `rerank`); only the joint reading is left."""
        readings = evidence_readings(evidence)
        if not any(readings):
            return Assessment(dict(_NO_EVIDENCE), ())
        if singles is None:
            rows = self.predict_pairs(readings, [claim] * len(readings))
        else:
            joint = readings[len(evidence):]
            rows = np.vstack([singles, *([self.predict_pairs(joint, [claim] * len(joint))] if joint else [])])
        rows = silent_is_not_refuting(rows, evidence)
        claim_row = aggregate(rows, len(evidence), self.aggregation)
        return Assessment(_as_labels(claim_row), tuple(_as_labels(row) for row in rows))

    def score(self, claim: str, evidence: Sequence[Passage]) -> dict[Label, float]:
        return self.assess(claim, evidence).probabilities


class NliVerifier(PairVerifier):
    """`Verifier` over an NLI artifact. Loading takes well under a second; load once, not per request."""

    def __init__(self, session: Any, tokenizer: Any, word_embeddings: np.ndarray, header: dict[str, Any]) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.word_embeddings = word_embeddings
        self.header = header
        self.kinds = label_kinds(header["labels"])
        self.segments = bool(header.get("segments", True))
        self.name = str(header.get("name", "nli-verifier"))
        self.metadata: dict[str, Any] = dict(header.get("metadata", {}))
        self.aggregation = Aggregation(header.get("aggregation", Aggregation.DECISIVE))

    @classmethod
    def load(cls, path: Path | None = None, *, threads: int | None = None) -> NliVerifier:
        """The artifact folder at `path`, or the bundled one, over the base model its header names."""
        from index.embedder import resolve_embedding_model

        folder = path or bundled_nli_artifact()
        header = cls.read_header(folder)
        base, _ = resolve_embedding_model(header["base_model"])
        base_folder = Path(base)
        if not base_folder.is_dir():
            raise ModelUnavailableError(f"the NLI verifier's base model {header['base_model']!r} is not a local "
                                        "folder; install it (see README, Models)")
        table = read_word_embeddings(base_folder)
        if embedding_digest(table) != header["word_embeddings_sha256"]:
            raise ModelUnavailableError(f"the base model at {base_folder} is not the one {folder} was trained on "
                                        "(word-embedding sha256 differs)")
        graph = folder / MODEL_FILE
        if stores_four_bit(header):  # kept as 4-bit weights, served as int8 (service/verifiers/nbits.py)
            from index.model_packages import models_cache

            graph = served_graph(graph, models_cache())
        session = cpu_session(graph, threads, "NLI verifier model")
        return cls(session, _tokenizer(base_folder, int(header["max_length"])), table, header)

    @staticmethod
    def read_header(folder: Path) -> dict[str, Any]:
        if not (folder / MODEL_FILE).is_file():
            raise ModelUnavailableError(f"NLI verifier model not found: {folder / MODEL_FILE}")
        try:
            header: dict[str, Any] = json.loads((folder / HEADER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(f"cannot read {folder / HEADER_FILE}: {exc}") from None
        if header.get("format") != FORMAT:
            raise ModelUnavailableError(f"{folder} is not a {FORMAT} artifact")
        missing = [key for key in REQUIRED_KEYS if key not in header]
        if missing:
            raise ModelUnavailableError(f"{folder / HEADER_FILE} lacks {', '.join(missing)}")
        return header

    def predict_pairs(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """Probabilities (n, 3) in `NLI_ORDER` for each (evidence, claim) pair, each pair in a call of its own.

        One call per pair, not one batch: the int8 graph quantises its activations with one scale per call, so
        in a batch a pair's reading moved with what else was in it (the padding and the other pairs' ranges: up
        to 0.11 of probability, tests/integration/test_verifier_models.py), and the unpadded calls cost no more
        on CPU (`bench/verifier_latency.py`: v2 76.5 ms a claim batched, 65.8 ms pair by pair, 2 cores)."""
        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        if not premises:
            return np.zeros((0, 3))
        encodings = self.tokenizer.encode_batch(list(zip(premises, hypotheses, strict=True)))
        logits = np.vstack([self._logits(encoding) for encoding in encodings])
        return to_label_columns(softmax(np.asarray(logits, dtype=np.float64), axis=1), self.kinds)

    def _logits(self, encoding: Any) -> np.ndarray:
        length = sum(encoding.attention_mask)  # the tokenizer pads to the batch's longest: padding cut off
        ids = np.array([encoding.ids[:length]], dtype=np.int64)
        feeds = {"inputs_embeds": self.word_embeddings[ids], "attention_mask": np.ones_like(ids)}
        if self.segments:
            feeds["token_type_ids"] = np.array([encoding.type_ids[:length]], dtype=np.int64)
        (logits,) = self.session.run(["logits"], feeds)
        return np.asarray(logits)


def _as_labels(row: np.ndarray) -> dict[Label, float]:
    return {label: float(p) for label, p in zip(NLI_ORDER, row, strict=True)}


def _tokenizer(folder: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    except Exception as exc:  # tokenizers raises a bare Exception for a malformed file
        raise ModelUnavailableError(f"cannot read {folder / 'tokenizer.json'}: {exc}") from None
    pad = _pad_token(folder)
    pad_id = tokenizer.token_to_id(pad)
    tokenizer.enable_truncation(max_length, strategy="longest_first")
    tokenizer.enable_padding(pad_id=pad_id if pad_id is not None else 0, pad_token=pad)
    return tokenizer
