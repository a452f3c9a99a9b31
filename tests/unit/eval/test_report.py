"""report.md and the PNG plots, from hand-made prediction rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.datasets import GoldEvidence, GoldLabel, LabelledClaim
from eval.plots import write_plots
from eval.report import render_report
from eval.scoring import choose_scheme
from eval.summary import summarise

pytestmark = pytest.mark.unit

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def row(claim_id: str, gold: str, verdict: str, confidence: float, ms: float, *, cited: bool = False) -> dict:
    citation = {"doc_id": "d", "start": 0, "end": 20, "quote": "The sky is blue today"}
    return {"id": claim_id, "gold": gold, "verdict": verdict, "confidence": confidence, "correct": gold == verdict,
            "claim": f"claim {claim_id}", "rationale": "because", "tags": ["numeric"] if ms > 50 else [],
            "citations": [citation] if cited else [], "timings": {"total_ms": ms},
            "passages": [{"doc_id": "d", "start": 0, "end": 20, "text": "The sky is blue today", "score": 0.9}]}


ROWS = [row("a", "SUPPORTED", "SUPPORTED", 0.9, 40, cited=True), row("b", "REFUTED", "SUPPORTED", 0.95, 60, cited=True),
        row("c", "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO", 0.5, 20), row("d", "REFUTED", "REFUTED", 0.7, 80)]
CLAIMS = {"a": LabelledClaim("a", "claim a", GoldLabel.SUPPORTED, (GoldEvidence("d", 0, 10, "The sky is"),))}


@pytest.fixture()
def summary() -> dict:
    header = {"dataset": "hand", "split": "dev", "label_note": "hand labels", "stamp": {"model_sha256": "abc"}}
    return summarise(ROWS, CLAIMS, choose_scheme(False, [GoldLabel.SUPPORTED]), header=header,
                     skipped=["claims.jsonl, line 3: invalid JSON"])


def test_summary_figures(summary: dict) -> None:
    assert summary["accuracy"] == 0.75 and summary["claims"] == 4
    assert summary["selective_accuracy"] == {"0.5": 0.5, "0.8": 0.75, "1.0": 0.75}  # ceil(0.8 × 4) = 4
    assert summary["evidence"]["citation_precision"] == 1.0 and summary["evidence"]["gold_evidence_recall"] == 1.0
    assert summary["slices"]["numeric"] == {"n": 2, "accuracy": 0.5, "macro_f1": pytest.approx((0 + 2 / 3) / 3)}
    assert summary["latency"]["p50_ms"] == 50 and summary["latency"]["wall_throughput_per_s"] is None


def test_report_has_headline_errors_skips_and_stamp(summary: dict) -> None:
    report = render_report(summary, ROWS, {"confusion_matrix": "plots/confusion_matrix.png"})
    assert "| **accuracy** (primary) [95% CI] | 0.750 [" in report
    assert "![confusion matrix](plots/confusion_matrix.png)" in report
    worst = report.split("## Worst errors")[1]
    assert "`b` “claim b”: gold REFUTED, predicted SUPPORTED (0.95)" in worst
    assert "cited `d` [0:20]: “The sky is blue today”" in worst
    assert "claims.jsonl, line 3: invalid JSON" in report
    assert "- model_sha256: `abc`" in report.split("## Reproducibility stamp")[1]


def test_plots_are_non_empty_png_files(summary: dict, tmp_path: Path) -> None:
    paths = write_plots(summary, ROWS, tmp_path / "plots")
    assert set(paths) == {"confusion_matrix", "reliability", "latency"}
    for path in paths.values():
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 5000


def with_signals(base: dict, decided_by: str, verifier: str, numeric: str | None = None, evidence: int = 3) -> dict:
    probabilities = dict.fromkeys(("SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"), 0.2) | {verifier: 0.6}
    signals = {"retrieval_score": 0.5, "retrieval_dense": 0.6, "evidence_count": evidence,
               "verifier": probabilities,
               "numeric": numeric, "numeric_agree": 0, "numeric_conflict": 0, "llm": None}
    return {**base, "decided_by": decided_by, "signals": signals}


def test_each_signal_is_scored_alone_beside_the_verdict() -> None:
    rows = [with_signals(ROWS[0], "calibrated", "SUPPORTED"),
            with_signals(ROWS[1], "numeric", "REFUTED", numeric="SUPPORTED"),
            with_signals(ROWS[2], "no_evidence", "SUPPORTED", evidence=0),
            with_signals(ROWS[3], "calibrated", "SUPPORTED")]
    summary = summarise(rows, CLAIMS, choose_scheme(False, [GoldLabel.SUPPORTED]), header={"dataset": "hand"})

    alone = summary["signals"]["alone"]
    verifier, numeric = alone["verifier (argmax)"], alone["numeric decision"]
    assert verifier == {"n": 4, "accuracy": 0.5, "verdict_accuracy": 0.75, "agrees_with_verdict": 0.25}
    assert numeric == {"n": 1, "accuracy": 0.0, "verdict_accuracy": 0.0, "agrees_with_verdict": 1.0}
    assert alone["retrieval (no evidence → NOT_ENOUGH_INFO)"]["accuracy"] == 1.0
    assert alone["LLM judge (argmax)"]["n"] == 0
    assert summary["signals"]["decided_by"]["calibrated"] == {"n": 2, "accuracy": 1.0}
    report = render_report({**summary, "split": "dev", "label_note": "", "stamp": {}}, rows)
    assert "| verifier (argmax) | 4 | 0.500 | 0.750 | 0.250 |" in report.split("## Signals")[1]
    assert summarise(ROWS, CLAIMS, choose_scheme(False, [GoldLabel.SUPPORTED]), header={})["signals"] is None
