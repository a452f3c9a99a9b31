"""Metric functions checked against small cases computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    accuracy,
    binary_f1,
    bootstrap_ci,
    citation_precision,
    confusion_matrix,
    evidence_recall,
    expected_calibration_error,
    latency_summary,
    macro_f1,
    per_label_prf,
    percentile,
    reliability_curve,
    selective_accuracy,
    spans_match,
)
from service.domain import Label

pytestmark = pytest.mark.unit

S, R, N = Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO
LABELS = [S, R, N]
# Shared example: 6 claims.
#   gold: S S S R R N
#   pred: S S R R N N   -> correct at positions 0, 1, 3, 5
GOLD = [S, S, S, R, R, N]
PRED = [S, S, R, R, N, N]


def test_accuracy_counts_matches() -> None:
    # 4 correct out of 6
    assert accuracy(GOLD, PRED) == pytest.approx(4 / 6)


@pytest.mark.parametrize(("gold", "pred"), [([], []), ([S], [S, R])])
def test_accuracy_rejects_empty_or_mismatched(gold: list[Label], pred: list[Label]) -> None:
    with pytest.raises(ValueError):
        accuracy(gold, pred)


def test_confusion_matrix_rows_are_gold() -> None:
    # gold S: predicted S,S,R -> [2,1,0]; gold R: R,N -> [0,1,1]; gold N: N -> [0,0,1]
    assert confusion_matrix(GOLD, PRED, LABELS) == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]


def test_confusion_matrix_rejects_label_outside_list() -> None:
    with pytest.raises(ValueError):
        confusion_matrix([S, N], [S, S], [S, R])


def test_per_label_prf_by_hand() -> None:
    # S: tp 2, predicted 2, support 3 -> P 1, R 2/3, F1 2*(2/3)/(5/3) = 0.8
    # R: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
    # N: tp 1, predicted 2, support 1 -> P 1/2, R 1, F1 2*(1/2)/(3/2) = 2/3
    scores = per_label_prf(GOLD, PRED, LABELS)
    assert scores["SUPPORTED"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3})
    assert scores["REFUTED"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert scores["NOT_ENOUGH_INFO"] == pytest.approx(
        {"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1}
    )


def test_label_never_predicted_scores_zero() -> None:
    # R is in gold but never predicted: precision 0/0 -> 0.0, recall 0/1 = 0, F1 0.
    scores = per_label_prf([S, R], [S, S], LABELS)
    assert scores["REFUTED"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    # N appears nowhere: everything 0.0, support 0.
    assert scores["NOT_ENOUGH_INFO"]["f1"] == 0.0
    assert scores["NOT_ENOUGH_INFO"]["support"] == 0


def test_macro_f1_is_unweighted_mean() -> None:
    # (0.8 + 0.5 + 2/3) / 3 = 1.9667 / 3
    assert macro_f1(GOLD, PRED, LABELS) == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)


def test_binary_f1_supported_vs_rest() -> None:
    # positive S: tp 2, predicted S 2, gold S 3 -> P 1, R 2/3, F1 0.8 (same as per-label S)
    assert binary_f1(GOLD, PRED, S) == pytest.approx(0.8)
    # positive R when R is never predicted -> 0.0
    assert binary_f1([R, S], [S, S], R) == 0.0


def test_percentile_interpolates_linearly() -> None:
    # sorted [10, 20, 30, 40]; p50 sits at rank 1.5 -> 25; p95 at rank 2.85 -> 30 + 0.85*10 = 38.5
    assert percentile([40, 10, 30, 20], 50) == pytest.approx(25.0)
    assert percentile([40, 10, 30, 20], 95) == pytest.approx(38.5)


@pytest.mark.parametrize(("values", "q"), [([], 50), ([1.0], 101), ([1.0], -1)])
def test_percentile_rejects_bad_input(values: list[float], q: float) -> None:
    with pytest.raises(ValueError):
        percentile(values, q)


def test_latency_summary_by_hand() -> None:
    # [100, 200, 300, 400]: p50 250, p95 rank 2.85 -> 385, mean 250, throughput 1000/250 = 4 per second
    summary = latency_summary([100, 200, 300, 400])
    expected = {"p50_ms": 250.0, "p95_ms": 385.0, "mean_ms": 250.0, "throughput_per_s": 4.0}
    assert summary == pytest.approx(expected)


def test_latency_summary_of_zero_latencies_is_infinite_throughput() -> None:
    assert math.isinf(latency_summary([0.0, 0.0])["throughput_per_s"])


def test_ece_is_zero_for_perfectly_calibrated_bins() -> None:
    # bin [0.2, 0.3): five at 0.2, one correct -> accuracy 0.2 = confidence
    # bin [0.8, 0.9): five at 0.8, four correct -> accuracy 0.8 = confidence
    confidences = [0.2] * 5 + [0.8] * 5
    correct = [True, False, False, False, False, True, True, True, True, False]
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.0)


def test_ece_by_hand() -> None:
    # bin [0.9, 1.0]: two at 0.9 and 1.0, mean 0.95, one correct -> |0.5 - 0.95| = 0.45, weight 2/4
    # bin [0.5, 0.6): two at 0.5, both correct -> |1.0 - 0.5| = 0.5, weight 2/4
    # ECE = 0.5*0.45 + 0.5*0.5 = 0.475
    ece = expected_calibration_error([0.9, 1.0, 0.5, 0.5], [True, False, True, True])
    assert ece == pytest.approx(0.475)


def test_reliability_curve_lists_non_empty_bins() -> None:
    # 1.0 falls in the last bin [0.9, 1.0]; 0.15 and 0.1 fall in [0.1, 0.2)
    curve = reliability_curve([0.1, 0.15, 1.0], [False, True, True])
    assert curve == [
        pytest.approx({"lo": 0.1, "hi": 0.2, "count": 2, "mean_confidence": 0.125, "accuracy": 0.5}),
        pytest.approx({"lo": 0.9, "hi": 1.0, "count": 1, "mean_confidence": 1.0, "accuracy": 1.0}),
    ]


@pytest.mark.parametrize(
    ("confidences", "correct"), [([], []), ([0.5], [True, False]), ([1.5], [True]), ([-0.1], [False])]
)
def test_calibration_rejects_bad_input(confidences: list[float], correct: list[bool]) -> None:
    with pytest.raises(ValueError):
        expected_calibration_error(confidences, correct)


def test_bootstrap_ci_is_deterministic_and_brackets_the_estimate() -> None:
    first = bootstrap_ci(accuracy, GOLD, PRED, n=200, seed=7)
    again = bootstrap_ci(accuracy, GOLD, PRED, n=200, seed=7)
    assert first == again
    low, high = first
    assert 0.0 <= low <= accuracy(GOLD, PRED) <= high <= 1.0


def test_bootstrap_ci_of_perfect_predictions_is_a_point() -> None:
    # every resample of all-correct pairs scores 1.0
    assert bootstrap_ci(accuracy, GOLD, GOLD, n=50) == (1.0, 1.0)


def test_bootstrap_ci_accepts_a_metric_with_extra_arguments() -> None:
    low, high = bootstrap_ci(lambda g, p: macro_f1(g, p, LABELS), GOLD, PRED, n=50)
    assert 0.0 <= low <= high <= 1.0


def test_selective_accuracy_keeps_most_confident() -> None:
    # sorted by confidence: 0.9 T, 0.8 T, 0.7 F, 0.6 T, 0.2 F
    # 50% -> ceil(2.5) = 3 kept -> 2/3; 80% -> 4 kept -> 3/4; 100% -> 3/5
    result = selective_accuracy([0.2, 0.9, 0.6, 0.8, 0.7], [False, True, True, True, False])
    assert result == pytest.approx({0.5: 2 / 3, 0.8: 0.75, 1.0: 0.6})


def test_selective_accuracy_rejects_zero_coverage() -> None:
    with pytest.raises(ValueError):
        selective_accuracy([0.5], [True], coverages=(0.0,))


def test_spans_match_needs_half_of_the_shorter_span() -> None:
    # gold [0, 100); cited [90, 110) overlaps 10 of its 20 chars = 50% of the shorter -> match
    assert spans_match(("a.md", 90, 110), ("a.md", 0, 100))
    # cited [91, 111) overlaps 9 of 20 -> no match
    assert not spans_match(("a.md", 91, 111), ("a.md", 0, 100))
    # same offsets in another document -> no match
    assert not spans_match(("b.md", 0, 100), ("a.md", 0, 100))
    with pytest.raises(ValueError):
        spans_match(("a.md", 5, 5), ("a.md", 0, 10))


def test_citation_precision_and_evidence_recall_by_hand() -> None:
    gold = [("a.md", 0, 100), ("b.md", 50, 80)]
    # cited 1 matches gold a; cited 2 is in the wrong doc; cited 3 misses b (overlap 0)
    cited = [("a.md", 10, 60), ("c.md", 0, 100), ("b.md", 80, 120)]
    # precision: 1 of 3 cited spans match; recall: 1 of 2 gold spans found
    assert citation_precision(cited, gold) == pytest.approx(1 / 3)
    assert evidence_recall(cited, gold) == pytest.approx(0.5)


def test_citation_metrics_on_empty_inputs_are_zero() -> None:
    assert citation_precision([], [("a.md", 0, 10)]) == 0.0
    assert evidence_recall([("a.md", 0, 10)], []) == 0.0
