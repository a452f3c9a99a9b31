"""One verdict for a compound claim from its parts' verdicts, and the verdict for a statement with nothing to check.

The claim is REFUTED if any checked part is refuted, SUPPORTED only if every checked part is supported, else
NOT_ENOUGH_INFO. Parts that are not checkable ("… and Elon never gives up") are listed but do not count.
Its probabilities come from the deciding parts: P(REFUTED) = max_i P_i(REFUTED) (the most refuting part),
P(SUPPORTED) = min_i P_i(SUPPORTED) (the least supported, capped at 1 − P(REFUTED)), the rest NOT_ENOUGH_INFO;
its confidence is the probability of its label. The label follows the rule above, not the largest of these
probabilities: two parts each labelled SUPPORTED by a narrow margin can leave P(REFUTED) above P(SUPPORTED), and
the low confidence then says how unsure the verdict is. (Treating the parts as independent — 1 − Π(1 − P_i) —
made REFUTED verdicts overconfident: the parts of one claim are read by the same verifier against the same
documents, so their errors go together. On Climate-FEVER dev that product rule doubled the expected calibration
error.) Its citations are those of the parts that carry its label.

A statement with nothing to check gets NOT_ENOUGH_INFO with confidence `NOT_CHECKABLE_CONFIDENCE`: no
finding is made, and how often such a statement's gold label is NOT_ENOUGH_INFO is not known in general
(22 of the 45 Climate-FEVER dev claims the screen stops; the rest are labelled SUPPORTED or REFUTED).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from service.claims.checkworthiness import Checkworthiness
from service.claims.decompose import ClaimPart
from service.domain import Decider, Label, NumericComparison, PartVerdict, Passage, Stamp, Verdict

NOT_CHECKABLE_CONFIDENCE = 0.5
NOT_CHECKABLE_PROBABILITIES = {Label.SUPPORTED: 0.25, Label.REFUTED: 0.25,
                               Label.NOT_ENOUGH_INFO: NOT_CHECKABLE_CONFIDENCE}


def not_checkable(claim: str, worth: Checkworthiness, stamp: Stamp, timings: dict[str, float]) -> Verdict:
    """NOT_ENOUGH_INFO with the reason, no evidence and no model work: there is no finding to make."""
    return Verdict(claim=claim, label=Label.NOT_ENOUGH_INFO, confidence=NOT_CHECKABLE_CONFIDENCE,
                   rationale=f"Not checked: {worth.explanation}.", citations=(), stamp=stamp, timings=timings,
                   decided_by=Decider.NOT_CHECKABLE, probabilities=dict(NOT_CHECKABLE_PROBABILITIES),
                   reason=worth.explanation)


def combine(claim: str, parts: Sequence[ClaimPart], verdicts: Sequence[Verdict], stamp: Stamp,
            total_ms: float) -> Verdict:
    """The compound claim's verdict from its parts' (in the same order)."""
    checked = [v for v in verdicts if v.decided_by is not Decider.NOT_CHECKABLE]
    labels = {v.label for v in checked}
    if Label.REFUTED in labels:
        label = Label.REFUTED
    elif labels == {Label.SUPPORTED}:
        label = Label.SUPPORTED
    else:
        label = Label.NOT_ENOUGH_INFO
    probabilities = _probabilities(checked)
    carrying = [v for v in checked if v.label is label]
    named = [f"part {i} {v.label.value}" + (" (not checkable)" if v.decided_by is Decider.NOT_CHECKABLE else "")
             for i, v in enumerate(verdicts, start=1)]
    deciding = carrying[0].rationale if carrying and label is not Label.NOT_ENOUGH_INFO else ""
    rationale = f"Compound claim checked in {len(parts)} parts: {', '.join(named)}." + \
        (f" {deciding}" if deciding else "")
    return Verdict(
        claim=claim, label=label, confidence=round(probabilities[label], 4), rationale=rationale,
        citations=tuple(_unique(c for v in carrying for c in v.citations)) if label is not Label.NOT_ENOUGH_INFO
        else (),
        stamp=stamp, timings=_timings(verdicts, total_ms),
        numeric=tuple(_unique_numeric(n for v in verdicts for n in v.numeric)),
        passages=tuple(_unique_passages(p for v in verdicts for p in v.passages)),
        decided_by=Decider.PARTS, probabilities=probabilities,
        parts=tuple(PartVerdict(p.text, p.start, p.end, v) for p, v in zip(parts, verdicts, strict=True)),
    )


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
