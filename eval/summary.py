"""metrics.json: every figure of a run, computed from its prediction rows with the pure metric functions.

Each row is a verdict as /v1/check answers it, plus `id`, `gold`, `correct` and `tags` (see `eval.runner`). Gold
evidence spans come from the dataset's claims: their offsets index the adapter's document texts, which are exactly
the texts the eval collection stores, so cited and retrieved spans are directly comparable with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eval import metrics, scoring
from eval.adapters.gold import LabelledClaim
from eval.runs import EvidenceScope
from eval.scoring import Scheme
from service.figures import claim_tags

PRIMARY_METRIC = "accuracy"
COVERAGES = (0.5, 0.8, 1.0)
UNTAGGED = "untagged"
MAX_SKIPPED_LISTED = 200
SPANS_NOTE = ("citation offsets index the stored documents; for dataset corpora those are the adapter's document "
              "texts, the same texts the gold spans index, so the spans are comparable")


def effective_tags(claim: LabelledClaim) -> list[str]:
    """The dataset's tags; for a claim without any, the numeric/temporal/hedged tags of `claim_tags`."""
    return list(claim.tags) if claim.tags else sorted(claim_tags(claim.claim))


def summarise(rows: Sequence[dict[str, Any]], claims: Mapping[str, LabelledClaim], scheme: Scheme, *,
              header: dict[str, Any], skipped: Sequence[str] = (), throughput: float | None = None) -> dict[str, Any]:
    """Everything metrics.json holds. `header` (dataset, split, options, stamp …) is copied in first."""
    summary: dict[str, Any] = {**header, "claims": len(rows), "primary_metric": PRIMARY_METRIC,
                               "scoring": scheme.as_json(), "skipped_rows": _skipped(skipped)}
    if not rows:
        return summary
    gold = [scheme.cls(row["gold"]) for row in rows]
    pred = [scheme.cls(row["verdict"]) for row in rows]
    summary.update(scoring.label_metrics(scheme, gold, pred))
    confidences = [scheme.confidence(row) for row in rows]
    correct = [g == p for g, p in zip(gold, pred, strict=True)]
    summary["expected_calibration_error"] = metrics.expected_calibration_error(confidences, correct)
    summary["reliability_curve"] = metrics.reliability_curve(confidences, correct)
    summary["selective_accuracy"] = {str(coverage): value for coverage, value
                                     in metrics.selective_accuracy(confidences, correct, COVERAGES).items()}
    summary["evidence"] = evidence_metrics(rows, claims)
    if header.get("stamp", {}).get("evidence", EvidenceScope.RETRIEVED) == EvidenceScope.RETRIEVED:
        summary["repeated_claim_texts"] = repeated_claim_texts(rows, scheme)
    summary["slices"] = slices(rows, scheme)
    summary["signals"] = signal_contributions(rows, scheme)
    latency = metrics.latency_summary([float(row["timings"]["total_ms"]) for row in rows])
    summary["latency"] = {**latency, "wall_throughput_per_s": throughput}
    return summary


def repeated_claim_texts(rows: Sequence[dict[str, Any]], scheme: Scheme) -> dict[str, Any] | None:
    """Claims whose exact text recurs with another gold class (FEVER-Symmetric pairs every claim with a
    supporting and a refuting sentence). Searching the same collection, such claims get the same verdict, so
    at most the commonest class of each text can be right: `accuracy_ceiling`. None when no text recurs so."""
    classes: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        classes[" ".join(str(row["claim"]).split())].append(scheme.cls(row["gold"]).value)
    mixed = [found for found in classes.values() if len(set(found)) > 1]
    if not mixed:
        return None
    wrong_at_least = sum(len(found) - max(found.count(c) for c in set(found)) for found in mixed)
    return {"claims": sum(len(found) for found in mixed), "texts": len(mixed),
            "accuracy_ceiling": 1.0 - wrong_at_least / len(rows)}


def _skipped(messages: Sequence[str]) -> dict[str, Any]:
    return {"count": len(messages), "messages": list(messages[:MAX_SKIPPED_LISTED])}


def _spans(items: Sequence[Mapping[str, Any]]) -> list[metrics.Span]:
    return [(str(i["doc_id"]), int(i["start"]), int(i["end"])) for i in items if 0 <= int(i["start"]) < int(i["end"])]


def evidence_metrics(rows: Sequence[dict[str, Any]], claims: Mapping[str, LabelledClaim]) -> dict[str, Any] | None:
    """Citation precision (cited spans that overlap a gold span) over claims with gold spans and at least one
    citation, and gold-evidence recall (gold spans covered by a retrieved passage) over claims with gold
    spans; both are means of per-claim figures. None when no scored claim has gold spans."""
    precisions, recalls = [], []
    for row in rows:
        claim = claims.get(row["id"])
        gold = [(e.doc_id, e.start, e.end) for e in claim.evidence if 0 <= e.start < e.end] if claim else []
        if not gold:
            continue
        cited = _spans(row["citations"])
        if cited:
            precisions.append(metrics.citation_precision(cited, gold))
        recalls.append(metrics.evidence_recall(_spans(row["passages"]), gold))
    if not recalls:
        return None
    return {
        "claims_with_gold_spans": len(recalls),
        "claims_with_citations": len(precisions),
        "citation_precision": sum(precisions) / len(precisions) if precisions else None,
        "gold_evidence_recall": sum(recalls) / len(recalls),
        "match_rule": "in the same document and overlaps it by at least half the shorter span's length",
        "note": SPANS_NOTE,
    }


def slices(rows: Sequence[dict[str, Any]], scheme: Scheme) -> dict[str, dict[str, Any]]:
    """n, accuracy and macro-F1 per tag (largest slice first); claims without tags form `untagged`."""
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        for tag in row.get("tags") or [UNTAGGED]:
            members[tag].append(row)
    result = {}
    for tag, group in sorted(members.items(), key=lambda item: (-len(item[1]), item[0])):
        gold = [scheme.cls(row["gold"]) for row in group]
        pred = [scheme.cls(row["verdict"]) for row in group]
        result[tag] = {"n": len(group), "accuracy": scoring.accuracy(gold, pred),
                       "macro_f1": scoring.macro_f1(scheme, gold, pred)}
    return result


def _argmax(probabilities: Mapping[str, float] | None) -> str | None:
    return max(probabilities, key=lambda label: probabilities[label]) if probabilities else None


# what each signal alone would have answered for a row (from its `signals`), where it spoke
SIGNAL_SAYS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "retrieval (no evidence → NOT_ENOUGH_INFO)":
        lambda s: "NOT_ENOUGH_INFO" if s["evidence_count"] == 0 else None,
    "numeric decision": lambda s: s["numeric"],
    "verifier (argmax)": lambda s: _argmax(s["verifier"]),
    "LLM judge (argmax)": lambda s: _argmax(s["llm"]),
}


def signal_contributions(rows: Sequence[dict[str, Any]], scheme: Scheme) -> dict[str, Any] | None:
    """How each signal did on its own where it spoke, beside the final verdict on the same claims, and which
    step decided how many verdicts with what accuracy (over all rows). None when no row has signals (older
    runs)."""
    with_signals = [row for row in rows if row.get("signals")]
    if not with_signals:
        return None
    alone = {}
    for name, says in SIGNAL_SAYS.items():
        said = [(row, says(row["signals"])) for row in with_signals]
        spoke = [(row, label) for row, label in said if label is not None]
        gold = [scheme.cls(row["gold"]) for row, _ in spoke]
        own = [scheme.cls(label) for _, label in spoke]
        final = [scheme.cls(row["verdict"]) for row, _ in spoke]
        alone[name] = {"n": len(spoke), "accuracy": scoring.accuracy(gold, own) if spoke else None,
                       "verdict_accuracy": scoring.accuracy(gold, final) if spoke else None,
                       "agrees_with_verdict": sum(o == f for o, f in zip(own, final, strict=True)) / len(spoke)
                       if spoke else None}
    deciders: dict[str, list[bool]] = defaultdict(list)
    for row in rows:  # compound and not-checkable verdicts carry no signals of their own but are counted here
        deciders[row.get("decided_by") or "unknown"].append(bool(row["correct"]))
    decided = {name: {"n": len(hits), "accuracy": sum(hits) / len(hits)}
               for name, hits in sorted(deciders.items(), key=lambda item: -len(item[1]))}
    return {"alone": alone, "decided_by": decided}
