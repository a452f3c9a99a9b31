"""report.md: a run's metrics.json made readable, with its plots, its worst errors and its stamp."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eval.runs import EvidenceScope

WORST_ERRORS = 10
MAX_SLICES = 25
MAX_SKIPPED_SHOWN = 20


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _ci(summary: Mapping[str, Any], key: str) -> str:
    low, high = summary["ci95"][key]
    return f"{summary[key]:.3f} [{low:.3f}, {high:.3f}]"


def render_report(summary: Mapping[str, Any], rows: Sequence[Mapping[str, Any]],
                  plots: Mapping[str, str] | None = None) -> str:
    """The whole report; `plots` maps plot names to paths relative to the report's folder."""
    plots = plots or {}
    lines = [f"# Evaluation: {summary['dataset']}", "",
             f"{summary['claims']} claims scored (split `{summary.get('split')}`). {summary.get('label_note', '')}",
             "", f"**Scoring** ({summary['scoring']['name']}): {summary['scoring']['rule']}", ""]
    if not rows:
        return "\n".join([*lines, "No scorable claims.", *_skipped(summary), *_stamp(summary)])
    lines += _headline(summary)
    lines += _per_label(summary, plots)
    lines += _calibration(summary, plots)
    lines += _signals(summary)
    lines += _slices(summary)
    lines += _latency(summary, plots)
    lines += _worst_errors(rows)
    lines += _skipped(summary)
    lines += _stamp(summary)
    return "\n".join(lines)


def _headline(summary: Mapping[str, Any]) -> list[str]:
    lines = ["| metric | value |", "|---|---|",
             f"| **accuracy** (primary) [95% CI] | {_ci(summary, 'accuracy')} |",
             f"| macro-F1 [95% CI] | {_ci(summary, 'macro_f1')} |"]
    if "f1_supported" in summary:
        lines.append(f"| F1 of SUPPORTED vs not | {summary['f1_supported']:.3f} |")
    lines.append(f"| expected calibration error | {summary['expected_calibration_error']:.3f} |")
    evidence = summary.get("evidence")
    if evidence:
        lines += [f"| citation precision ({evidence['claims_with_citations']} claims with citations) | "
                  f"{_f(evidence['citation_precision'])} |",
                  f"| gold-evidence recall of retrieval ({evidence['claims_with_gold_spans']} claims with gold spans) "
                  f"| {evidence['gold_evidence_recall']:.3f} |"]
    latency = summary["latency"]
    lines.append(f"| latency p50 / p95 | {latency['p50_ms']:.0f} ms / {latency['p95_ms']:.0f} ms |")
    wall = latency.get("wall_throughput_per_s")
    lines.append(f"| throughput | {latency['throughput_per_s']:.2f} claims/s from mean latency"
                 + (f"; {wall:.2f} claims/s wall clock this run |" if wall else " |"))
    lines.append("")
    repeated = summary.get("repeated_claim_texts")
    if repeated:
        lines += [f"**Ceiling:** {repeated['claims']} claims share their text with a claim of another gold class "
                  f"({repeated['texts']} texts). Checked against the same collection they get the same verdict, so "
                  f"accuracy cannot exceed {repeated['accuracy_ceiling']:.3f} in this run; `--evidence "
                  "gold-documents` checks each claim against its own evidence instead.", ""]
    scope = summary.get("stamp", {}).get("evidence")
    if scope == EvidenceScope.GOLD_DOCUMENTS:
        lines += [f"**Evidence:** each claim searched only the documents of its gold evidence (oracle retrieval; "
                  f"{summary.get('searched_whole_collection', 0)} claims with no gold evidence searched the whole "
                  "collection).", ""]
    elif scope == EvidenceScope.SOURCE:
        lines += [f"**Evidence:** each claim searched only the documents of the source it names (its report; "
                  f"{summary.get('searched_whole_collection', 0)} claims naming none searched the whole "
                  "collection).", ""]
    if evidence:
        lines += [f"A cited or retrieved span matches a gold span when it is {evidence['match_rule']}; "
                  f"{evidence['note']}.", ""]
    return lines


def _image(plots: Mapping[str, str], name: str, alt: str) -> list[str]:
    return [f"![{alt}]({plots[name]})", ""] if name in plots else []


def _per_label(summary: Mapping[str, Any], plots: Mapping[str, str]) -> list[str]:
    lines = ["## Per label", "", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, prf in summary["per_label"].items():
        lines.append(f"| {label} | {prf['precision']:.3f} | {prf['recall']:.3f} | {prf['f1']:.3f} | "
                     f"{prf['support']} |")
    labels = summary["labels"]
    lines += ["", "## Confusion matrix (rows: gold, columns: predicted)", "",
              "| gold \\ predicted | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for label, counts in zip(labels, summary["confusion_matrix"], strict=True):
        lines.append(f"| {label} | " + " | ".join(str(c) for c in counts) + " |")
    if "CONFLICTING" in labels:
        lines += ["", "The pipeline never predicts CONFLICTING: every CONFLICTING claim is counted wrong."]
    if "NOT_ENOUGH_INFO" in labels and "NOT_ENOUGH_INFO" not in summary["scoring"]["macro_f1_over"]:
        lines += ["", "NOT_ENOUGH_INFO is not a gold class of this set: its column counts NOT_ENOUGH_INFO verdicts, "
                  "all wrong, and macro-F1 leaves it out."]
    lines.append("")
    return lines + _image(plots, "confusion_matrix", "confusion matrix")


def _calibration(summary: Mapping[str, Any], plots: Mapping[str, str]) -> list[str]:
    lines = ["## Calibration", "",
             f"Expected calibration error {summary['expected_calibration_error']:.3f} (10 equal-width bins). "
             "Selective accuracy keeps the most confident share of verdicts:", "",
             "| coverage | accuracy |", "|---|---|"]
    lines += [f"| {float(coverage):.0%} | {value:.3f} |" for coverage, value in summary["selective_accuracy"].items()]
    lines.append("")
    return lines + _image(plots, "reliability", "reliability diagram")


def _signals(summary: Mapping[str, Any]) -> list[str]:
    signals = summary.get("signals")
    if not signals:
        return []
    lines = ["## Signals: what each one contributes", "",
             "Each signal on its own, on the claims where it spoke, beside the final verdict on those claims.", "",
             "| signal | claims | its accuracy | verdict accuracy | agrees with verdict |", "|---|---|---|---|---|"]
    for name, figures in signals["alone"].items():
        lines.append(f"| {name} | {figures['n']} | {_f(figures['accuracy'])} | {_f(figures['verdict_accuracy'])} | "
                     f"{_f(figures['agrees_with_verdict'])} |")
    lines += ["", "| decided by | claims | accuracy |", "|---|---|---|"]
    lines += [f"| {name} | {figures['n']} | {_f(figures['accuracy'])} |"
              for name, figures in signals["decided_by"].items()]
    return [*lines, ""]


def _slices(summary: Mapping[str, Any]) -> list[str]:
    slices = summary["slices"]
    lines = ["## Slices by tag", "",
             "Dataset tags; a claim without any gets the numeric / temporal / hedged tags of `claim_tags`.", "",
             "| tag | n | accuracy | macro-F1 |", "|---|---|---|---|"]
    for tag, item in list(slices.items())[:MAX_SLICES]:
        lines.append(f"| {tag} | {item['n']} | {item['accuracy']:.3f} | {item['macro_f1']:.3f} |")
    if len(slices) > MAX_SLICES:
        lines.append(f"\n{len(slices) - MAX_SLICES} smaller slices are in metrics.json.")
    lines.append("")
    return lines


def _latency(summary: Mapping[str, Any], plots: Mapping[str, str]) -> list[str]:
    image = _image(plots, "latency", "latency histogram")
    return ["## Latency", "", *image] if image else []


def _worst_errors(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = ["## Worst errors (most confident wrong verdicts)", ""]
    wrong = sorted((r for r in rows if not r["correct"]), key=lambda r: -r["confidence"])[:WORST_ERRORS]
    for row in wrong:
        lines.append(f"- `{row['id']}` “{_one_line(row['claim'])}”: gold {row['gold']}, predicted {row['verdict']} "
                     f"({row['confidence']:.2f}). {_one_line(row['rationale'])}".rstrip())
        for citation in row["citations"]:
            lines.append(f"  - cited `{citation['doc_id']}` [{citation['start']}:{citation['end']}]: "
                         f"“{_one_line(citation['quote'])}”")
        if not row["citations"]:
            top = row["passages"][0] if row["passages"] else None
            lines.append("  - no citation" + (f"; top passage `{top['doc_id']}` [{top['start']}:{top['end']}]: "
                                              f"“{_one_line(top['text'])}”" if top else "; no evidence retrieved"))
    if not wrong:
        lines.append("None.")
    lines.append("")
    return lines


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _skipped(summary: Mapping[str, Any]) -> list[str]:
    skipped = summary.get("skipped_rows") or {"count": 0, "messages": []}
    unscored = summary.get("unscored_predictions", 0)
    trained = summary.get("stamp", {}).get("left_out_trained", 0)
    if not skipped["count"] and not unscored and not trained:
        return []
    lines = ["## Left out", ""]
    if skipped["count"]:
        lines.append(f"{skipped['count']} rows or claims were left out (all listed in metrics.json, `skipped_rows`):")
        lines += ["", *(f"- {message}" for message in skipped["messages"][:MAX_SKIPPED_SHOWN])]
        if skipped["count"] > MAX_SKIPPED_SHOWN:
            lines.append(f"- … and {skipped['count'] - MAX_SKIPPED_SHOWN} more")
    if unscored:
        lines.append(f"\n{unscored} predictions in predictions.jsonl are outside this run's selection and not scored.")
    if trained:
        lines.append(f"\n{trained} claims the verifier was trained on were left out before selection "
                     "(`--include-trained` keeps them).")
    lines.append("")
    return lines


def _stamp(summary: Mapping[str, Any]) -> list[str]:
    stamp = summary.get("stamp", {})
    return ["## Reproducibility stamp", "", *(f"- {key}: `{value}`" for key, value in stamp.items()), ""]
