"""How a claim's probabilities come from its evidence readings: each passage read alone, then (when there are
several) all of them read together, rows in `NLI_ORDER` (SUPPORTED, REFUTED, NOT_ENOUGH_INFO).

    aggregate(rows, passages=5, rule=Aggregation.DECISIVE)

The rules (`bench/aggregation.py` compares them on the calibration claims, where the default was chosen):
  decisive      the reading with the highest entailment or contradiction probability (the v1 default)
  joint         all passages read together (the single passage when there is one)
  first         the best-retrieved passage alone
  max           P(S) ∝ the highest entailment, P(R) ∝ the highest contradiction, P(NEI) ∝ 1 − the larger
  mean          the mean of the single passages' rows
  rank-weighted the single passages' rows weighted 1, 1/2, 1/3 … by retrieval rank
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

import numpy as np


class Aggregation(StrEnum):
    DECISIVE = "decisive"
    JOINT = "joint"
    FIRST = "first"
    MAX = "max"
    MEAN = "mean"
    RANK_WEIGHTED = "rank-weighted"


def _decisive(rows: np.ndarray, passages: int) -> np.ndarray:
    row: np.ndarray = np.asarray(rows[int(np.argmax(rows[:, :2].max(axis=1)))])
    return row


def _max(rows: np.ndarray, passages: int) -> np.ndarray:
    entail, contra = float(rows[:, 0].max()), float(rows[:, 1].max())
    values = np.array([entail, contra, 1.0 - max(entail, contra)])
    return np.asarray(values / float(values.sum()))


def _rank_weighted(rows: np.ndarray, passages: int) -> np.ndarray:
    singles = rows[: max(1, passages)]
    weights = 1.0 / np.arange(1, len(singles) + 1)
    return np.asarray((singles * weights[:, None]).sum(axis=0) / weights.sum())


RULES: dict[Aggregation, Callable[[np.ndarray, int], np.ndarray]] = {
    Aggregation.DECISIVE: _decisive,
    Aggregation.JOINT: lambda rows, passages: np.asarray(rows[-1]),
    Aggregation.FIRST: lambda rows, passages: np.asarray(rows[0]),
    Aggregation.MAX: _max,
    Aggregation.MEAN: lambda rows, passages: np.asarray(rows[: max(1, passages)].mean(axis=0)),
    Aggregation.RANK_WEIGHTED: _rank_weighted,
}


def aggregate(rows: np.ndarray, passages: int | None = None, rule: Aggregation = Aggregation.DECISIVE) -> np.ndarray:
    """The claim's row from its readings' rows (`passages` single readings, then the joint one if any)."""
    rows = np.atleast_2d(rows)
    return RULES[Aggregation(rule)](rows, len(rows) if passages is None else passages)
