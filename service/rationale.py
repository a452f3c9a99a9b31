"""A verdict in words and what it cites: which passages it rests on, and the rationale that says what decided."""

from __future__ import annotations

from collections.abc import Sequence

from service.domain import Decider, Decision, Label, Passage, Signals
from service.figures import NumericFinding
from service.ports import Assessment, JudgeOutput

NO_EVIDENCE_RATIONALE = "No passage in the collection is related closely enough to the claim."


def citing(decision: Decision, output: JudgeOutput | None, assessment: Assessment | None,
           passages: int) -> Sequence[int]:
    """Which passages a verdict rests on: the LLM's citations when it decided for the label it read; else the
    passages the verifier found for the verdict's label (P ≥ 0.5, most probable first; at least the most
    probable one); else the first."""
    if output is not None and output.label is decision.label and decision.decided_by in (Decider.LLM,
                                                                                        Decider.CALIBRATED_LLM):
        return output.cited  # the LLM chose these for its own label
    if assessment is None or not assessment.passages or decision.label is Label.NOT_ENOUGH_INFO:
        return (0,)
    singles = assessment.passages[:passages]
    ranked = sorted(range(len(singles)), key=lambda i: -singles[i][decision.label])
    return [i for i in ranked if singles[i][decision.label] >= 0.5] or ranked[:1]


def rationale(decision: Decision, signals: Signals, numbers: NumericFinding, output: JudgeOutput | None,
               evidence: Sequence[Passage]) -> str:
    """What decided, in words. The LLM's text (written for the label it read) appears only when that label is
    the verdict's: as the rationale when the LLM decided, else as commentary after what did. Otherwise it is
    left out, so a rationale never argues for another label than the verdict."""
    if decision.decided_by is Decider.NO_EVIDENCE:
        return NO_EVIDENCE_RATIONALE
    said = output.rationale if output is not None and output.label is decision.label else ""
    if said and decision.decided_by in (Decider.LLM, Decider.CALIBRATED_LLM):
        return f"LLM judge: {said}"
    base = numbers.rationale if decision.decided_by is Decider.NUMERIC else signals_rationale(decision, signals,
                                                                                               evidence[0])
    # `evidence` starts with what the verdict cites, when it cites anything
    return f"{base} LLM commentary (it did not decide): {said}" if said else base


def signals_rationale(decision: Decision, signals: Signals, best: Passage) -> str:
    parts = []
    shown = decision.probabilities if decision.decided_by is Decider.VERIFIER else signals.verifier
    if shown:  # the verifier's verdict: its probabilities after the calibration's offsets, which decided
        parts.append("verifier " + " / ".join(f"{label.value} {p:.2f}" for label, p in shown.items()))
    if signals.numeric_agree or signals.numeric_conflict:
        parts.append(f"figures: {signals.numeric_agree} agree, {signals.numeric_conflict} conflict")
    parts.append(f"best evidence similarity {signals.retrieval_dense:.2f}")
    what = {Decider.CALIBRATED: "Calibrated combination of the signals",
            Decider.CALIBRATED_LLM: "Calibrated combination of the signals and the LLM judge",
            Decider.VERIFIER: "Trained verifier", Decider.LLM: "LLM judge"}[decision.decided_by]
    which = "cited evidence" if decision.label is not Label.NOT_ENOUGH_INFO else "closest evidence"
    return f"{what} ({'; '.join(parts)}); {which}: {best.doc_id}."
