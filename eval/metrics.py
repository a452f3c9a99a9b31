"""Pure metric functions for claim verification: labels, latency, calibration, citations.

No I/O and no global state; every function takes plain sequences and returns plain numbers or dicts, so the
runner, the report and the tests can all call them directly.

Conventions shared by every function here:

- `gold` and `pred` are equal-length sequences of `service.domain.Label`; a length mismatch or an empty
  input raises `ValueError` (a score over nothing is a bug upstream, not a zero).
- A ratio whose denominator is zero (precision of a label never predicted, recall of a label never in gold,
  citation precision with no citations …) is reported as 0.0, never NaN.
- Confidences are probabilities in [0, 1]; anything outside raises `ValueError`.
- Spans are `(doc_id, start, end)` character offsets, end exclusive. A cited span matches a gold span when
  both name the same document and they overlap by at least half the length of the shorter of the two.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from service.domain import Label

Span = tuple[str, int, int]
MetricFn = Callable[[Sequence[Label], Sequence[Label]], float]


def _check_pair(gold: Sequence[Label], pred: Sequence[Label]) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items but pred has {len(pred)}")
    if not gold:
        raise ValueError("cannot score an empty set of predictions")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def accuracy(gold: Sequence[Label], pred: Sequence[Label]) -> float:
    """Fraction of predictions equal to the gold label."""
    _check_pair(gold, pred)
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


def confusion_matrix(
    gold: Sequence[Label], pred: Sequence[Label], labels: Sequence[Label]
) -> list[list[int]]:
    """Counts with rows indexed by gold label and columns by predicted label, both in `labels` order."""
    _check_pair(gold, pred)
    index = {label: i for i, label in enumerate(labels)}
    unknown = (set(gold) | set(pred)) - index.keys()
    if unknown:
        raise ValueError(f"labels not in the label list: {sorted(map(str, unknown))}")
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        matrix[index[g]][index[p]] += 1
    return matrix


def _f1(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall)


def per_label_prf(
    gold: Sequence[Label], pred: Sequence[Label], labels: Sequence[Label]
) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support (gold count) for each label, keyed by the label's value.

    Precision is 0.0 for a label never predicted, recall is 0.0 for a label absent from gold, and F1 is 0.0
    whenever precision + recall is 0.
    """
    matrix = confusion_matrix(gold, pred, labels)
    result: dict[str, dict[str, float]] = {}
    for i, label in enumerate(labels):
        true_pos = matrix[i][i]
        predicted = sum(row[i] for row in matrix)
        support = sum(matrix[i])
        precision, recall = _ratio(true_pos, predicted), _ratio(true_pos, support)
        result[label.value] = {
            "precision": precision,
            "recall": recall,
            "f1": _f1(precision, recall),
            "support": support,
        }
    return result


def macro_f1(gold: Sequence[Label], pred: Sequence[Label], labels: Sequence[Label]) -> float:
    """Unweighted mean of the per-label F1 over `labels` (labels with no support still count, as 0.0)."""
    scores = per_label_prf(gold, pred, labels)
    return sum(s["f1"] for s in scores.values()) / len(scores)


def binary_f1(gold: Sequence[Label], pred: Sequence[Label], positive: Label) -> float:
    """F1 of `positive` against everything else (e.g. SUPPORTED vs not-SUPPORTED)."""
    _check_pair(gold, pred)
    true_pos = sum(g == positive and p == positive for g, p in zip(gold, pred, strict=True))
    precision = _ratio(true_pos, sum(p == positive for p in pred))
    recall = _ratio(true_pos, sum(g == positive for g in gold))
    return _f1(precision, recall)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of an empty sequence")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within [0, 100], got {q}")
    return float(np.percentile(np.asarray(values, dtype=float), q))


def latency_summary(ms_values: Sequence[float]) -> dict[str, float]:
    """p50, p95 and mean latency in milliseconds, and the throughput of one worker serving them in turn.

    `throughput_per_s` is `1000 / mean_ms` (requests per second, back to back); it is `inf` when every
    latency is 0.
    """
    p50 = percentile(ms_values, 50)
    mean_ms = float(np.mean(np.asarray(ms_values, dtype=float)))
    throughput = 1000.0 / mean_ms if mean_ms > 0 else math.inf
    p95 = percentile(ms_values, 95)
    return {"p50_ms": p50, "p95_ms": p95, "mean_ms": mean_ms, "throughput_per_s": throughput}


def _calibration_arrays(
    confidences: Sequence[float], correct: Sequence[bool]
) -> tuple[np.ndarray, np.ndarray]:
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} correctness flags")
    if not confidences:
        raise ValueError("cannot measure calibration on no predictions")
    conf = np.asarray(confidences, dtype=float)
    if np.any((conf < 0) | (conf > 1)) or np.any(np.isnan(conf)):
        raise ValueError("confidences must lie within [0, 1]")
    return conf, np.asarray(correct, dtype=float)


def reliability_curve(
    confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10
) -> list[dict[str, float]]:
    """Equal-width confidence bins over [0, 1]: lo, hi, count, mean_confidence, accuracy.

    Bin i holds confidences in [lo, hi); the last bin also holds 1.0. Empty bins are left out.
    """
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    conf, hits = _calibration_arrays(confidences, correct)
    bin_ids = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    curve = []
    for b in range(n_bins):
        members = bin_ids == b
        if members.any():
            curve.append(
                {
                    "lo": b / n_bins,
                    "hi": (b + 1) / n_bins,
                    "count": int(members.sum()),
                    "mean_confidence": float(conf[members].mean()),
                    "accuracy": float(hits[members].mean()),
                }
            )
    return curve


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], n_bins: int = 10
) -> float:
    """Sum over bins of (bin share of predictions) × |bin accuracy − bin mean confidence|."""
    curve = reliability_curve(confidences, correct, n_bins)
    total = len(confidences)
    return float(sum(b["count"] / total * abs(b["accuracy"] - b["mean_confidence"]) for b in curve))


def bootstrap_ci(
    metric_fn: MetricFn,
    gold: Sequence[Label],
    pred: Sequence[Label],
    n: int = 1000,
    alpha: float = 0.05,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval for `metric_fn(gold, pred)`: resample pairs with replacement n times.

    Deterministic for a given seed. Pass extra arguments with a lambda or `functools.partial`, e.g.
    `bootstrap_ci(lambda g, p: macro_f1(g, p, list(Label)), gold, pred)`.
    """
    _check_pair(gold, pred)
    if n < 1 or not 0 < alpha < 1:
        raise ValueError("need n >= 1 and 0 < alpha < 1")
    rng = np.random.default_rng(seed)
    size = len(gold)
    scores = []
    for _ in range(n):
        idx = rng.integers(0, size, size=size)
        scores.append(metric_fn([gold[i] for i in idx], [pred[i] for i in idx]))
    low, high = np.quantile(np.asarray(scores, dtype=float), [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def selective_accuracy(
    confidences: Sequence[float], correct: Sequence[bool], coverages: Sequence[float] = (0.5, 0.8, 1.0)
) -> dict[float, float]:
    """Accuracy on the most confident fraction of predictions, for each coverage in (0, 1].

    Keeps the `ceil(coverage × N)` most confident predictions; ties keep input order.
    """
    conf, hits = _calibration_arrays(confidences, correct)
    order = np.argsort(-conf, kind="stable")
    result = {}
    for coverage in coverages:
        if not 0 < coverage <= 1:
            raise ValueError(f"coverage must be within (0, 1], got {coverage}")
        kept = order[: math.ceil(coverage * len(conf))]
        result[coverage] = float(hits[kept].mean())
    return result


def spans_match(cited: Span, gold: Span) -> bool:
    """Same document and an overlap of at least half the shorter span's length."""
    (cited_doc, c_start, c_end), (gold_doc, g_start, g_end) = cited, gold
    if c_end <= c_start or g_end <= g_start:
        raise ValueError(f"empty or inverted span: {cited if c_end <= c_start else gold}")
    overlap = min(c_end, g_end) - max(c_start, g_start)
    shorter = min(c_end - c_start, g_end - g_start)
    return cited_doc == gold_doc and overlap >= 0.5 * shorter


def citation_precision(cited_spans: Sequence[Span], gold_spans: Sequence[Span]) -> float:
    """Fraction of cited spans that match some gold span (0.0 when nothing is cited)."""
    hits = sum(any(spans_match(c, g) for g in gold_spans) for c in cited_spans)
    return _ratio(hits, len(cited_spans))


def evidence_recall(cited_spans: Sequence[Span], gold_spans: Sequence[Span]) -> float:
    """Fraction of gold spans matched by some cited span (0.0 when there is no gold evidence)."""
    hits = sum(any(spans_match(c, g) for c in cited_spans) for g in gold_spans)
    return _ratio(hits, len(gold_spans))
