"""What `vericlaim calibrate` fits, loaded and applied: rule confidences, verifier and LLM offsets and
temperature, and a small fitted combination of the signals.

    calibration = Calibration.load()                 # the default verifier's, service/models_data/calibration.v7.json
    calibration = Calibration.load(bundled_calibration("nli-minilm-l6-v1"))  # the bundled one fitted for it
    decision = calibration.combine(signals)          # the fitted combination's label, confidence, probabilities
    adjusted = calibration.adjusted_verifier(probs)  # the verifier's probabilities, offset and tempered

Which of these decides a verdict, and the rules that come first, are service/verdict_policy.py's business.
The signals (`service.domain.Signals`): retrieval (best score, best cosine, evidence count), the verifier's
probabilities, the numeric engine's decision and comparison counts and, when the LLM judge was asked, its
label probabilities. The rules' confidences are the accuracy each had on the calibration claims. The
combination is a multinomial logistic regression over the signal features (one model without the LLM's
columns, and one with them when the calibration run asked the LLM); SUPPORTED or REFUTED is its verdict when
its probability reaches the tuned threshold, NOT_ENOUGH_INFO otherwise; the confidence is the chosen label's
probability mapped through a logistic (Platt) fit of being right. Everything is fitted out-of-fold by
`vericlaim calibrate` (training/calibration_fit.py), which writes the file; numpy only here.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import softmax

from service.domain import Decider, Decision, Label, Signals
from service.errors import ModelUnavailableError

# the default verifier's first; each of the others is used with the verifier it was fitted for (its name)
BUNDLED_CALIBRATIONS = ("calibration.v7.json", "calibration.v5.json", "calibration.v6.json", "calibration.v4.json",
                        "calibration.v3.json")
FORMAT = "vericlaim-calibration/1"
LABELS: tuple[Label, ...] = (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO)
SIGNAL_GROUPS: dict[str, tuple[str, ...]] = {
    "retrieval": ("retrieval_score", "retrieval_dense", "evidence_count"),
    "verifier": ("verifier_log_supported", "verifier_log_refuted", "verifier_log_nei",
                 "verifier_max_log_supported", "verifier_max_log_refuted"),
    "numeric": ("numeric_supports", "numeric_refutes", "numeric_agree", "numeric_conflict"),
    "llm": ("llm_log_supported", "llm_log_refuted", "llm_log_nei"),
}
_FLOOR = 1e-4  # probabilities are clipped here before the log
_UNIFORM = {label: 1 / len(LABELS) for label in LABELS}
_KEYS = ("supported", "refuted", "nei")  # feature-name suffixes, in `LABELS` order


def bundled_calibration(verifier: str | None = None) -> Path:
    """The default verifier's bundled calibration file, or the first one fitted for `verifier` (by its name) when
    there is one: each bundled verifier keeps the calibration fitted for it."""
    folder = resources.files("service") / "models_data"
    paths = [path for name in BUNDLED_CALIBRATIONS if (path := Path(str(folder / name))).is_file()]
    if verifier is not None:
        for path in paths:
            try:
                if json.loads(path.read_bytes()).get("fitted_for", {}).get("verifier") == verifier:
                    return path
            except (OSError, ValueError):
                continue
    return paths[0]


def feature_names(with_llm: bool) -> tuple[str, ...]:
    groups = [*SIGNAL_GROUPS] if with_llm else [g for g in SIGNAL_GROUPS if g != "llm"]
    return tuple(name for group in groups for name in SIGNAL_GROUPS[group])


def signal_features(signals: Signals, names: Sequence[str]) -> np.ndarray:
    """The fitted model's input for one claim: the features `names` (see `SIGNAL_GROUPS`), in that order. A
    file fitted before a feature existed simply does not name it."""
    verifier = signals.verifier or _UNIFORM
    llm = signals.llm or _UNIFORM
    most_supported = signals.verifier_max_supported
    most_refuted = signals.verifier_max_refuted
    values = {
        "retrieval_score": signals.retrieval_score, "retrieval_dense": signals.retrieval_dense,
        "evidence_count": min(signals.evidence_count, 10),
        **{f"verifier_log_{key}": _log(verifier[label]) for key, label in zip(_KEYS, LABELS, strict=True)},
        "verifier_max_log_supported": _log(verifier[Label.SUPPORTED] if most_supported is None else most_supported),
        "verifier_max_log_refuted": _log(verifier[Label.REFUTED] if most_refuted is None else most_refuted),
        "numeric_supports": float(signals.numeric is Label.SUPPORTED),
        "numeric_refutes": float(signals.numeric is Label.REFUTED),
        "numeric_agree": min(signals.numeric_agree, 3), "numeric_conflict": min(signals.numeric_conflict, 3),
        **{f"llm_log_{key}": _log(llm[label]) for key, label in zip(_KEYS, LABELS, strict=True)},
    }
    return np.array([values[name] for name in names], dtype=np.float64)


def temper_rows(rows: np.ndarray, temperature: float) -> np.ndarray:
    """Each row of probabilities ∝ p^(1/T): above 1 they move toward uniform, below 1 away; the order stays."""
    return np.asarray(softmax(_logs(rows) / temperature, axis=1))


def temper(probabilities: Mapping[Label, float], temperature: float) -> dict[Label, float]:
    """`temper_rows` for one claim's probabilities by label."""
    labels = list(probabilities)
    row = temper_rows(np.array([probabilities[label] for label in labels]), temperature)[0]
    return {label: float(p) for label, p in zip(labels, row, strict=True)}


def shift_rows(rows: np.ndarray, offsets: Sequence[float]) -> np.ndarray:
    """Each row of probabilities (columns in `LABELS` order) ∝ p · exp(offset): per-label biases in log space."""
    return np.asarray(softmax(_logs(rows) + np.asarray(offsets, dtype=np.float64), axis=1))


def _logs(rows: np.ndarray) -> np.ndarray:
    return np.asarray(np.log(np.clip(np.atleast_2d(rows), _FLOOR, 1.0)))


def adjust(probabilities: Mapping[Label, float], offsets: Sequence[float], temperature: float) -> dict[Label, float]:
    """One claim's probabilities shifted by per-label offsets, then tempered: the label is argmax(log p + offset)."""
    row = temper_rows(shift_rows(np.array([probabilities.get(label, 0.0) for label in LABELS]), offsets),
                      temperature)[0]
    return {label: float(p) for label, p in zip(LABELS, row, strict=True)}


def _offsets(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) != len(LABELS):
        raise ValueError(f"verifier_offsets needs {len(LABELS)} values")
    return (float(values[0]), float(values[1]), float(values[2]))


def _log(p: float) -> float:
    return math.log(min(max(p, _FLOOR), 1.0))


@dataclass(frozen=True)
class Combiner:
    """A multinomial logistic regression over standardised signal features, its SUPPORTED/REFUTED threshold
    and the Platt map of its confidence: confidence = σ(a·logit(p) + b·[NEI] + c)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)
    threshold: float
    platt: tuple[float, float, float]

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        logits = ((np.atleast_2d(rows) - self.mean) / self.scale) @ self.weights + self.bias
        return np.asarray(softmax(logits, axis=1))

    def choose(self, probabilities: np.ndarray) -> tuple[Label, float]:
        """The label for one row of probabilities, and its calibrated confidence."""
        best = int(np.argmax(probabilities[:2]))
        label = LABELS[best] if probabilities[best] >= self.threshold else Label.NOT_ENOUGH_INFO
        return label, self.confidence(float(probabilities[LABELS.index(label)]), label)

    def confidence(self, p: float, label: Label) -> float:
        a, b, c = self.platt
        p = min(max(p, _FLOOR), 1 - _FLOOR)
        z = a * math.log(p / (1 - p)) + b * float(label is Label.NOT_ENOUGH_INFO) + c
        return 1 / (1 + math.exp(-z))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "weights": self.weights.tolist(), "bias": self.bias.tolist(), "threshold": self.threshold,
                "platt": list(self.platt)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Combiner:
        combiner = cls(tuple(data["features"]), np.array(data["mean"]), np.array(data["scale"]),
                       np.array(data["weights"]), np.array(data["bias"]), float(data["threshold"]),
                       tuple(float(x) for x in data["platt"]))  # type: ignore[arg-type]
        unknown = set(combiner.features) - set(feature_names(with_llm=True))
        if unknown:
            raise ValueError(f"combiner features this version does not compute: {', '.join(sorted(unknown))}")
        n = len(combiner.features)
        if combiner.weights.shape != (n, len(LABELS)) or combiner.mean.shape != (n,) or len(combiner.platt) != 3:
            raise ValueError("combiner arrays do not match its feature list")
        return combiner


@dataclass(frozen=True)
class Calibration:
    """Rules' confidences, the fitted combiners, and what they were fitted for (`fitted_for`: verifier,
    embedding model, LLM file and sha256). `report` holds the calibration run's scores and each signal's
    measured contribution."""

    no_evidence_confidence: float
    numeric_confidence: float
    without_llm: Combiner
    with_llm: Combiner | None = None
    llm_gain: float | None = None  # out-of-fold macro-F1 the LLM's columns surely add (bootstrap 5th pct)
    fitted_for: dict[str, str] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    verifier_temperature: float = 1.0  # the verifier's probabilities are tempered by it when it decides
    verifier_offsets: tuple[float, float, float] = (0.0, 0.0, 0.0)  # log-space biases per label, before tempering
    llm_offsets: tuple[float, float, float] | None = None  # the same for the LLM it was fitted with (fitted_for)
    sha256: str = ""

    def combine(self, signals: Signals, *, use_llm: bool = False) -> Decision:
        """The fitted combination's verdict (no rules: service/verdict_policy.py applies them first). `use_llm`:
        the model with the LLM's columns is used when `signals.llm` is set (see `fits_llm`)."""
        with_llm = use_llm and signals.llm is not None and self.with_llm is not None
        combiner = self.with_llm if with_llm and self.with_llm is not None else self.without_llm
        probabilities = combiner.probabilities(signal_features(signals, combiner.features))[0]
        label, confidence = combiner.choose(probabilities)
        return Decision(label, round(confidence, 4),
                        {lab: round(float(p), 4) for lab, p in zip(LABELS, probabilities, strict=True)},
                        Decider.CALIBRATED_LLM if with_llm else Decider.CALIBRATED)

    def adjusted_verifier(self, probabilities: Mapping[Label, float]) -> dict[Label, float]:
        """The verifier's probabilities shifted by the fitted per-label offsets (the tuned NOT_ENOUGH_INFO
        threshold; zero when they did not help) and tempered (`verifier_temperature`, which keeps the label)."""
        return adjust(probabilities, self.verifier_offsets, self.verifier_temperature)

    def has_llm_offsets(self, llm_sha256: str) -> bool:
        """Whether this calibration fitted per-label offsets for this LLM file."""
        return self.llm_offsets is not None and self.fitted_for.get("llm_sha256") == llm_sha256

    def adjusted_llm(self, probabilities: Mapping[Label, float], llm_sha256: str) -> dict[Label, float] | None:
        """The LLM's probabilities shifted by the offsets fitted for this model file; None without them."""
        if self.llm_offsets is None or not self.has_llm_offsets(llm_sha256):
            return None
        return adjust(probabilities, self.llm_offsets, 1.0)

    def fits_llm(self, llm_sha256: str) -> bool:
        """Whether this calibration has a model with the columns of this LLM (the same model file)."""
        return self.with_llm is not None and self.fitted_for.get("llm_sha256") == llm_sha256

    def llm_helps(self, llm_sha256: str) -> bool:
        """Whether asking this LLM is worth it: fitted for it, and it surely raised macro-F1 out-of-fold."""
        return self.fits_llm(llm_sha256) and (self.llm_gain or 0.0) > 0.0

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "no_evidence_confidence": self.no_evidence_confidence,
                "numeric_confidence": self.numeric_confidence, "verifier_temperature": self.verifier_temperature,
                "verifier_offsets": list(self.verifier_offsets),
                "llm_offsets": list(self.llm_offsets) if self.llm_offsets is not None else None,
                "without_llm": self.without_llm.to_json(),
                "with_llm": self.with_llm.to_json() if self.with_llm else None, "llm_gain": self.llm_gain,
                "fitted_for": self.fitted_for, "report": self.report}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path | None = None) -> Calibration:
        """The file at `path`, or the bundled one; a missing or malformed file is `ModelUnavailableError`."""
        path = path or bundled_calibration()
        try:
            raw = path.read_bytes()
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} file")
            return cls(
                no_evidence_confidence=float(data["no_evidence_confidence"]),
                numeric_confidence=float(data["numeric_confidence"]),
                without_llm=Combiner.from_json(data["without_llm"]),
                with_llm=Combiner.from_json(data["with_llm"]) if data.get("with_llm") else None,
                verifier_temperature=float(data.get("verifier_temperature", 1.0)),
                verifier_offsets=_offsets(data.get("verifier_offsets", (0.0, 0.0, 0.0))),
                llm_offsets=_offsets(data["llm_offsets"]) if data.get("llm_offsets") else None,
                llm_gain=data.get("llm_gain"),
                fitted_for=dict(data.get("fitted_for", {})),
                report=dict(data.get("report", {})),
                sha256=hashlib.sha256(raw).hexdigest(),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelUnavailableError(f"cannot read calibration file {path}: {exc}") from None
