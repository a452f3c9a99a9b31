"""Fitting how a model's label probabilities are read: per-label offsets (the NOT_ENOUGH_INFO threshold) for
macro-F1 and a temperature for calibrated confidences. Used by training/calibration_fit.py for the verifier
and the LLM; rows are probabilities in `service.calibration.LABELS` order, gold labels their indices."""

from __future__ import annotations

from typing import Any, TypedDict

import numpy as np

from eval.metrics import expected_calibration_error, per_label_prf
from service.calibration import LABELS, shift_rows, temper_rows

_TEMPERATURES = np.round(np.arange(0.25, 4.001, 0.05), 2)
_OFFSETS = np.round(np.arange(-3.0, 3.001, 0.1), 2)
MIN_OFFSET_GAIN = 0.01  # out-of-fold macro-F1 the offsets must add to be used


class TemperatureFit(TypedDict):
    """The verifier's temperature and the ECE before and after it (None when too few claims to fit one)."""

    temperature: float
    claims: int
    ece_before: float | None
    ece_after: float | None


def macro_f1(gold: np.ndarray, predicted: np.ndarray) -> float:
    """The mean F1 over the labels present in `gold` (label indices in `LABELS` order)."""
    gold_labels = [LABELS[i] for i in gold]
    prf = per_label_prf(gold_labels, [LABELS[i] for i in predicted], LABELS)
    present = [label.value for label in LABELS if label in gold_labels]
    return sum(prf[label]["f1"] for label in present) / len(present)


def best_offsets(raw: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    """Log-space biases for SUPPORTED and REFUTED (NOT_ENOUGH_INFO's is 0) with the best macro-F1 of
    argmax(log p + bias); ties go to the smallest biases."""
    logs = np.log(np.clip(raw, 1e-4, 1.0))
    best = (-1.0, 0.0, (0.0, 0.0, 0.0))
    for supported in _OFFSETS:
        for refuted in _OFFSETS:
            chosen = (logs + np.array([supported, refuted, 0.0])).argmax(axis=1)
            key = (round(macro_f1(gold, chosen), 6), -abs(supported) - abs(refuted))
            if key > best[:2]:
                best = (*key, (float(supported), float(refuted), 0.0))
    return best[2]


def fit_offsets(raw: np.ndarray, gold: np.ndarray, *, seed: int, folds: int) -> dict[str, Any]:
    """Per-label offsets for the verifier's (or the LLM's) probabilities `raw` (rows in `LABELS` order) against
    the gold label indices: its tuned NOT_ENOUGH_INFO threshold, kept only when they raise macro-F1 out-of-fold
    (fitted on the other folds, scored on the one left out) by at least `MIN_OFFSET_GAIN`."""
    if len(gold) < 2 * folds or len(set(gold)) < 2:
        return {"offsets": [0.0, 0.0, 0.0], "claims": len(gold), "used": False}
    from sklearn.model_selection import KFold

    shifted = np.zeros(len(gold), dtype=int)
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(raw):
        offsets = best_offsets(raw[train], gold[train])
        shifted[test] = shift_rows(raw[test], offsets).argmax(axis=1)
    before, after = macro_f1(gold, raw.argmax(axis=1)), macro_f1(gold, shifted)
    used = after - before >= MIN_OFFSET_GAIN
    offsets = best_offsets(raw, gold) if used else (0.0, 0.0, 0.0)
    return {"offsets": list(offsets), "claims": len(gold), "used": bool(used), "macro_f1_before": round(before, 4),
            "macro_f1_out_of_fold": round(after, 4), "recall_before": label_recall(gold, raw.argmax(axis=1)),
            "recall_after": label_recall(gold, shift_rows(raw, offsets).argmax(axis=1))}


def label_recall(gold: np.ndarray, predicted: np.ndarray) -> list[float | None]:
    """Each label's recall (in `LABELS` order; None for a label with no gold claim)."""
    return [round(float((predicted[gold == i] == i).mean()), 3) if (gold == i).any() else None
            for i in range(len(LABELS))]


def fit_temperature(raw: np.ndarray, gold: np.ndarray, offsets: tuple[float, ...] = (0.0, 0.0, 0.0), *,
                    folds: int) -> TemperatureFit:
    """The temperature with the lowest log-loss of the verifier's probabilities (after the offsets), and the
    ECE of its argmax confidence before and after (on these claims: one parameter, so hardly optimistic)."""
    if len(gold) < 2 * folds:
        return {"temperature": 1.0, "claims": len(gold), "ece_before": None, "ece_after": None}
    raw = shift_rows(raw, offsets)

    def log_loss(t: float) -> float:
        return float(-np.log(np.clip(temper_rows(raw, t)[np.arange(len(gold)), gold], 1e-9, 1.0)).mean())

    best = float(min(_TEMPERATURES, key=lambda t: (log_loss(float(t)), t)))

    def ece(values: np.ndarray) -> float:
        chosen = values.argmax(axis=1)
        return round(expected_calibration_error(values.max(axis=1).tolist(), (chosen == gold).tolist()), 4)

    return {"temperature": best, "claims": len(gold), "ece_before": ece(raw),
            "ece_after": ece(temper_rows(raw, best))}
