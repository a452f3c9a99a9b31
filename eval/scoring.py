"""How a run is scored: which classes the confusion matrix has, which ones macro-F1 averages over, and how
gold labels and predictions map onto them.

    three-way          SUPPORTED / REFUTED / NOT_ENOUGH_INFO (the service's own labels)
    + CONFLICTING      `--conflicting class`: CONFLICTING is a fourth class the pipeline never predicts,
                       so every CONFLICTING claim is wrong and the class's F1 is 0
    supported-vs-not   binary sets whose negative class is "not supported" (WiCE): gold and predicted
                       REFUTED / NOT_ENOUGH_INFO collapse to NOT_SUPPORTED
    supported-refuted  binary sets with SUPPORTED and REFUTED only (FEVER-Symmetric, FinDVer, COVID-Fact):
                       a NOT_ENOUGH_INFO prediction is a wrong answer; macro-F1 averages over the two classes

A `Scheme` is written into metrics.json (`scoring`) and read back by `eval compare`, so a run is always
rescored by the rule it was scored with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from eval import metrics
from eval.adapters.gold import GoldLabel
from service.domain import Label


class Scored(StrEnum):
    """The classes a scheme scores over: the gold labels plus the collapsed negative of supported-vs-not."""

    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_INFO = "NOT_ENOUGH_INFO"
    CONFLICTING = "CONFLICTING"
    NOT_SUPPORTED = "NOT_SUPPORTED"


S, R, NEI, C, NOT_S = Scored.SUPPORTED, Scored.REFUTED, Scored.NOT_ENOUGH_INFO, Scored.CONFLICTING, Scored.NOT_SUPPORTED


@dataclass(frozen=True)
class Scheme:
    name: str
    rule: str
    labels: tuple[Scored, ...]  # confusion-matrix order (rows gold, columns predicted)
    averaged: tuple[Scored, ...]  # the classes macro-F1 averages over
    collapse: bool = False  # everything but SUPPORTED becomes NOT_SUPPORTED

    def cls(self, label: str) -> Scored:
        """The class a gold label or a prediction (given by its value) is scored as."""
        if self.collapse and label != S:
            return NOT_S
        return Scored(label)

    def confidence(self, row: Mapping[str, Any]) -> float:
        """The confidence in the class a prediction row is scored as. Where labels collapse, a NOT_SUPPORTED
        prediction is as sure as SUPPORTED is unlikely (1 − P(SUPPORTED), from the row's `probabilities`):
        "REFUTED at 0.45" can be "not supported at 0.80". Otherwise, and for rows without probabilities,
        the verdict's own confidence."""
        confidence = float(row["confidence"])
        probabilities = row.get("probabilities") or {}
        if self.collapse and self.cls(row["verdict"]) is NOT_S and S.value in probabilities:
            return 1.0 - float(probabilities[S.value])
        return confidence

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "rule": self.rule, "labels": [c.value for c in self.labels],
                "macro_f1_over": [c.value for c in self.averaged], "collapse_to_not_supported": self.collapse}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scheme:
        return cls(data["name"], data["rule"], tuple(Scored(c) for c in data["labels"]),
                   tuple(Scored(c) for c in data["macro_f1_over"]), bool(data["collapse_to_not_supported"]))


THREE_WAY_RULE = "3-way: accuracy and macro-F1 over SUPPORTED, REFUTED and NOT_ENOUGH_INFO."
CONFLICTING_RULE = (" CONFLICTING is scored as its own class (--conflicting class); the pipeline never predicts it, "
                    "so every CONFLICTING claim counts as wrong and its F1 is 0.")
SUPPORTED_VS_NOT_RULE = ("binary supported vs not: gold labels other than SUPPORTED, and REFUTED or NOT_ENOUGH_INFO "
                         "predictions, collapse to NOT_SUPPORTED; f1_supported is the F1 of SUPPORTED against "
                         "NOT_SUPPORTED; macro-F1 averages SUPPORTED and NOT_SUPPORTED; a NOT_SUPPORTED prediction's "
                         "confidence is 1 − P(SUPPORTED).")
SUPPORTED_REFUTED_RULE = ("binary SUPPORTED/REFUTED: a NOT_ENOUGH_INFO prediction counts as wrong; accuracy over all "
                          "claims; macro-F1 averages the F1 of SUPPORTED and REFUTED (NOT_ENOUGH_INFO predictions "
                          "lower recall and count towards no class's precision).")


def choose_scheme(binary: bool, gold: Iterable[GoldLabel]) -> Scheme:
    """The scheme for a dataset: its `binary` flag and the gold labels of the claims being scored."""
    present = set(gold)
    conflicting = GoldLabel.CONFLICTING in present
    if binary and GoldLabel.NOT_ENOUGH_INFO in present:
        return Scheme("supported-vs-not", SUPPORTED_VS_NOT_RULE, (S, NOT_S), (S, NOT_S), collapse=True)
    extra = (C,) if conflicting else ()
    rule_extra = CONFLICTING_RULE if conflicting else ""
    if binary:
        return Scheme("supported-refuted", SUPPORTED_REFUTED_RULE + rule_extra, (S, R, NEI, *extra), (S, R, *extra))
    name = "three-way+conflicting" if conflicting else "three-way"
    return Scheme(name, THREE_WAY_RULE + rule_extra, (S, R, NEI, *extra), (S, R, NEI, *extra))


def _labels(classes: Sequence[Scored]) -> list[Label]:
    # The metric functions only hash, compare and read `.value`; Scored is a StrEnum like Label.
    return cast(list[Label], list(classes))


def macro_f1(scheme: Scheme, gold: Sequence[Scored], pred: Sequence[Scored]) -> float:
    """Mean F1 over `scheme.averaged` (per-label figures come from the full label set)."""
    per_label = metrics.per_label_prf(_labels(gold), _labels(pred), _labels(scheme.labels))
    return sum(per_label[c.value]["f1"] for c in scheme.averaged) / len(scheme.averaged)


def accuracy(gold: Sequence[Scored], pred: Sequence[Scored]) -> float:
    return metrics.accuracy(_labels(gold), _labels(pred))


def f1_supported(gold: Sequence[Scored], pred: Sequence[Scored]) -> float:
    """F1 of SUPPORTED against every other class."""
    return metrics.binary_f1(_labels(gold), _labels(pred), cast(Label, S))


def label_metrics(scheme: Scheme, gold: Sequence[Scored], pred: Sequence[Scored], *,
                  bootstrap: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Accuracy, macro-F1 (each with a bootstrap 95% CI), per-label P/R/F1 and the confusion matrix."""
    g, p, labels = _labels(gold), _labels(pred), _labels(scheme.labels)
    result: dict[str, Any] = {
        "accuracy": metrics.accuracy(g, p),
        "macro_f1": macro_f1(scheme, gold, pred),
    }
    if scheme.collapse:
        result["f1_supported"] = f1_supported(gold, pred)
    result["ci95"] = {
        "accuracy": list(metrics.bootstrap_ci(metrics.accuracy, g, p, n=bootstrap, seed=seed)),
        "macro_f1": list(metrics.bootstrap_ci(lambda gg, pp: macro_f1(scheme, gg, pp), g, p,  # type: ignore[arg-type]
                                              n=bootstrap, seed=seed)),
    }
    result["per_label"] = metrics.per_label_prf(g, p, labels)
    result["labels"] = [c.value for c in scheme.labels]
    result["confusion_matrix"] = metrics.confusion_matrix(g, p, labels)
    return result
