"""One verdict for a compound claim from its parts' verdicts, and the verdict for a statement with nothing to check.

The rule (`bench/compound.py`, chosen on the calibration share): the claim is REFUTED when a part is refuted
(by the figures engine, a figure that is wrong, or with P(REFUTED) at least `SURE_REFUTED` by whatever else
decided the part) and SUPPORTED when every checked part is supported; otherwise the claim checked whole
decides (`needs_whole` says when the caller must check it). "REFUTED if any part is" (the first rule) doubled the false
contradictions while the splitter cut claims inside phrases: one garbled part read against a sentence about
something else was enough. Measured then with the mpnet verifier on the claims that split
(Citation-Integrity calibration share, 310 of 664): macro-F1 0.291 with "any part", 0.374 whole, 0.376 with
the part's REFUTED counted from P 0.8. Once parts were cut only between statements (2026-12-07, 117 of 664
split), `python bench/compound.py --split train --calibration-share --sure 0,0.5,0.8` gave, on all 664:
macro-F1 0.404 / 0.397 / 0.394 counting a part's REFUTED from P 0 / 0.5 / 0.8 (0.390 whole; recall S, R, NEI
0.75, 0.15, 0.48 against 0.77, 0.11, 0.50 at 0.8), and on Check-COVID's 370 (8 split) 0.457 / 0.455 / 0.455:
so a part read as refuted refutes the claim.
Parts that are not checkable ("… and Elon never gives up") are listed but do not count.

When the parts decide, the probabilities come from them: P(REFUTED) = max_i P_i(REFUTED) (the most refuting
part), P(SUPPORTED) = min_i P_i(SUPPORTED) (the least supported, capped at 1 − P(REFUTED)), the rest
NOT_ENOUGH_INFO; its confidence is the probability of its label. (Treating the parts as independent —
1 − Π(1 − P_i) — made REFUTED verdicts overconfident: the parts of one claim are read by the same verifier
against the same documents, so their errors go together.) When the whole claim decides, its label,
probabilities and citations are the verdict's. Citations otherwise are those of the parts that carry the label.

A statement with nothing to check gets NOT_ENOUGH_INFO with confidence `NOT_CHECKABLE_CONFIDENCE`: no
finding is made, and how often such a statement's gold label is NOT_ENOUGH_INFO is not known in general
(22 of the 45 Climate-FEVER dev claims the screen stops; the rest are labelled SUPPORTED or REFUTED).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from service.claims.checkworthiness import Checkworthiness
from service.claims.decompose import ClaimPart
from service.domain import Decider, Label, NumericComparison, PartVerdict, Passage, Stamp, Verdict

SURE_REFUTED = 0.0  # a part's P(REFUTED) from which it refutes the claim on its own (bench/compound.py --sure)
NOT_CHECKABLE_CONFIDENCE = 0.5
NOT_CHECKABLE_PROBABILITIES = {Label.SUPPORTED: 0.25, Label.REFUTED: 0.25,
                               Label.NOT_ENOUGH_INFO: NOT_CHECKABLE_CONFIDENCE}


def not_checkable(claim: str, worth: Checkworthiness, stamp: Stamp, timings: dict[str, float]) -> Verdict:
    """NOT_ENOUGH_INFO with the reason, no evidence and no model work: there is no finding to make."""
    return Verdict(claim=claim, label=Label.NOT_ENOUGH_INFO, confidence=NOT_CHECKABLE_CONFIDENCE,
                   rationale=f"Not checked: {worth.explanation}.", citations=(), stamp=stamp, timings=timings,
                   decided_by=Decider.NOT_CHECKABLE, probabilities=dict(NOT_CHECKABLE_PROBABILITIES),
                   reason=worth.explanation)


def needs_whole(verdicts: Sequence[Verdict]) -> bool:
    """Whether the parts leave the verdict to the claim checked whole: no part refutes it, and not every checked
    part is supported."""
    checked = _checked(verdicts)
    return bool(checked) and not any(map(_refutes, checked)) \
        and not all(v.label is Label.SUPPORTED for v in checked)


def combine(claim: str, parts: Sequence[ClaimPart], verdicts: Sequence[Verdict], stamp: Stamp,
            total_ms: float, whole: Verdict | None = None) -> Verdict:
    """The compound claim's verdict from its parts' (in the same order), and from the claim checked whole
    when `needs_whole(verdicts)` (without it, such a claim is NOT_ENOUGH_INFO)."""
    checked = _checked(verdicts)
    named = [f"part {i} {v.label.value}" + (" (not checkable)" if v.decided_by is Decider.NOT_CHECKABLE else "")
             for i, v in enumerate(verdicts, start=1)]
    summary = f"Compound claim checked in {len(parts)} parts: {', '.join(named)}."
    listed = tuple(PartVerdict(p.text, p.start, p.end, v) for p, v in zip(parts, verdicts, strict=True))
    timings = _timings([*verdicts, *([whole] if whole else [])], total_ms)
    numeric = tuple(_unique_numeric(n for v in verdicts for n in v.numeric))
    if whole is not None and needs_whole(verdicts):
        return replace(whole, claim=claim, rationale=f"{summary} Checked whole: {whole.rationale}", stamp=stamp,
                       timings=timings, numeric=tuple(_unique_numeric([*whole.numeric, *numeric])),
                       decided_by=Decider.PARTS, parts=listed)
    if any(map(_refutes, checked)):
        label = Label.REFUTED
    elif checked and all(v.label is Label.SUPPORTED for v in checked):
        label = Label.SUPPORTED
    else:
        label = Label.NOT_ENOUGH_INFO
    probabilities = _probabilities(checked)
    carrying = [v for v in checked if v.label is label and (label is not Label.REFUTED or _refutes(v))]
    deciding = carrying[0].rationale if carrying and label is not Label.NOT_ENOUGH_INFO else ""
    return Verdict(
        claim=claim, label=label, confidence=round(probabilities[label], 4),
        rationale=summary + (f" {deciding}" if deciding else ""),
        citations=tuple(_unique(c for v in carrying for c in v.citations)) if label is not Label.NOT_ENOUGH_INFO
        else (),
        stamp=stamp, timings=timings, numeric=numeric,
        passages=tuple(_unique_passages(p for v in verdicts for p in v.passages)),
        decided_by=Decider.PARTS, probabilities=probabilities, parts=listed,
    )


def _checked(verdicts: Sequence[Verdict]) -> list[Verdict]:
    return [v for v in verdicts if v.decided_by is not Decider.NOT_CHECKABLE]


def _refutes(verdict: Verdict) -> bool:
    return verdict.label is Label.REFUTED and (verdict.decided_by is Decider.NUMERIC
                                               or verdict.probabilities.get(Label.REFUTED, 0.0) >= SURE_REFUTED)


def _probabilities(verdicts: Sequence[Verdict]) -> dict[Label, float]:
    if not verdicts:
        return dict(NOT_CHECKABLE_PROBABILITIES)
    each = [verdict.probabilities or {verdict.label: verdict.confidence} for verdict in verdicts]
    refuted = max(p.get(Label.REFUTED, 0.0) for p in each)
    supported = min(min(p.get(Label.SUPPORTED, 0.0) for p in each), 1.0 - refuted)
    return {Label.SUPPORTED: round(supported, 4), Label.REFUTED: round(refuted, 4),
            Label.NOT_ENOUGH_INFO: round(1.0 - supported - refuted, 4)}


def _timings(verdicts: Sequence[Verdict], total_ms: float) -> dict[str, float]:
    summed: dict[str, float] = {}
    for verdict in verdicts:
        for stage, ms in verdict.timings.items():
            if stage != "total_ms":
                summed[stage] = round(summed.get(stage, 0.0) + ms, 2)
    return {**summed, "total_ms": total_ms}


def _unique(items: Iterable) -> list:  # type: ignore[type-arg]
    seen, kept = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def _unique_numeric(items: Iterable[NumericComparison]) -> list[NumericComparison]:
    return _unique(items)


def _unique_passages(items: Iterable[Passage]) -> list[Passage]:
    seen, kept = set(), []
    for passage in items:
        key = (passage.doc_id, passage.start, passage.end)
        if key not in seen:
            seen.add(key)
            kept.append(passage)
    return kept
