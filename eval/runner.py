"""Batch evaluation: run the same pipeline the API serves over labelled claims; write predictions,
metrics and a report.

    predictions.jsonl  one CheckResponse per claim, plus `id`, `gold` and `correct`
    metrics.json       accuracy (primary), macro-F1, per-label P/R/F1, confusion matrix, ECE, latency
    report.md          the same, readable, with the reproducibility stamp and the worst errors
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eval import metrics
from eval.datasets import Dataset, LabelledClaim
from service.domain import Label
from service.pipeline import Pipeline, Query
from service.schemas import CheckResponse

LABELS = (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO)
PRIMARY_METRIC = "accuracy"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EvalRun:
    out_dir: Path
    metrics: dict[str, object]

    @property
    def files(self) -> tuple[Path, Path, Path]:
        return (self.out_dir / "predictions.jsonl", self.out_dir / "metrics.json", self.out_dir / "report.md")


def scored_claims(dataset: Dataset, limit: int | None = None) -> list[tuple[LabelledClaim, Label]]:
    """Claims with a label the service can predict (CONFLICTING ones are not scored here)."""
    scored = [(c, label) for c in dataset.claims if (label := c.label.as_label()) is not None]
    return scored[:limit] if limit else scored


def run_eval(
    pipeline: Pipeline,
    dataset: Dataset,
    out_dir: Path,
    *,
    collection: str | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> EvalRun:
    out_dir.mkdir(parents=True, exist_ok=True)
    claims = scored_claims(dataset, limit)
    rows: list[dict] = []
    with (out_dir / "predictions.jsonl").open("w", encoding="utf-8") as out:
        for done, (claim, gold) in enumerate(claims, start=1):
            verdict = pipeline.check(Query(claim.claim, collection))
            row = {"id": claim.id, "gold": gold.value, "correct": verdict.label is gold,
                   **CheckResponse.of(verdict).model_dump(mode="json")}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            rows.append(row)
            if progress:
                progress(done, len(claims))
    summary = summarise(rows, dataset)
    (out_dir / "metrics.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    (out_dir / "report.md").write_text(render_report(summary, rows), encoding="utf-8")
    return EvalRun(out_dir, summary)


def summarise(rows: list[dict], dataset: Dataset) -> dict[str, object]:
    if not rows:
        return {"dataset": dataset.name, "claims": 0, "primary_metric": PRIMARY_METRIC}
    gold = [Label(r["gold"]) for r in rows]
    pred = [Label(r["verdict"]) for r in rows]
    confidences = [float(r["confidence"]) for r in rows]
    correct = [bool(r["correct"]) for r in rows]
    return {
        "dataset": dataset.name,
        "label_note": dataset.label_note,
        "claims": len(rows),
        "primary_metric": PRIMARY_METRIC,
        "accuracy": round(metrics.accuracy(gold, pred), 4),
        "macro_f1": round(metrics.macro_f1(gold, pred, LABELS), 4),
        "per_label": metrics.per_label_prf(gold, pred, LABELS),
        "labels": [label.value for label in LABELS],
        "confusion_matrix": metrics.confusion_matrix(gold, pred, LABELS),
        "expected_calibration_error": round(metrics.expected_calibration_error(confidences, correct), 4),
        "latency": metrics.latency_summary([float(r["timings"]["total_ms"]) for r in rows]),
        "stamp": rows[0]["stamp"],
    }


def render_report(summary: dict, rows: list[dict]) -> str:
    if not rows:
        return f"# Evaluation: {summary['dataset']}\n\nNo scorable claims.\n"
    lines = [
        f"# Evaluation: {summary['dataset']}",
        "",
        f"{summary['claims']} claims. {summary['label_note']}",
        "",
        "| metric | value |",
        "|---|---|",
        f"| accuracy (primary) | {summary['accuracy']:.3f} |",
        f"| macro-F1 | {summary['macro_f1']:.3f} |",
        f"| expected calibration error | {summary['expected_calibration_error']:.3f} |",
        f"| latency p50 / p95 | {summary['latency']['p50_ms']:.0f} ms / {summary['latency']['p95_ms']:.0f} ms |",
        "",
        "## Per label",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, prf in summary["per_label"].items():
        lines.append(f"| {label} | {prf['precision']:.3f} | {prf['recall']:.3f} | {prf['f1']:.3f} | "
                     f"{prf['support']} |")
    lines += ["", "## Confusion matrix (rows: gold, columns: predicted)", "",
              "| gold \\ predicted | " + " | ".join(summary["labels"]) + " |",
              "|---" * (len(summary["labels"]) + 1) + "|"]
    for label, counts in zip(summary["labels"], summary["confusion_matrix"], strict=True):
        lines.append(f"| {label} | " + " | ".join(str(c) for c in counts) + " |")
    lines += ["", "## Worst errors (most confident wrong verdicts)", ""]
    wrong = sorted((r for r in rows if not r["correct"]), key=lambda r: -r["confidence"])[:10]
    for row in wrong:
        quote = row["citations"][0]["quote"] if row["citations"] else "(no citation)"
        lines.append(f"- `{row['id']}` {row['claim']!r}: gold {row['gold']}, predicted {row['verdict']} "
                     f"({row['confidence']:.2f}); cited: {quote!r}")
    if not wrong:
        lines.append("None.")
    stamp = summary["stamp"]
    lines += ["", "## Reproducibility stamp", "", *(f"- {key}: `{value}`" for key, value in stamp.items()), ""]
    return "\n".join(lines)
