"""Where a verdict is decided: the rules, who decides past them, and when the LLM judge is asked.

    policy = VerdictPolicy.of(config, calibration, "nli-minilm-l6-v1", lambda: judge.model_sha256)
    decision = policy.decide(signals)            # label, confidence, probabilities, what decided
    if policy.asks_llm(decision, explain):       # then decide again with the LLM's probabilities
        decision = policy.decide(replace(signals, llm=...), llm_counts=policy.unsure(decision))

In order:
1. no evidence → NOT_ENOUGH_INFO (`Decider.NO_EVIDENCE`);
2. a clear numeric decision → its label (`Decider.NUMERIC`; `judge.numeric_decides` turns it off);
   both rules carry the accuracy a calibration measured for them, or a prior without one;
3. past the rules, `judge.verdict_source` (`VerdictSource`) picks the decider (and `figures_guard` keeps any of
   them from calling REFUTED figures the figures engine found no conflict in):
   - `verifier` (default): the trained verifier's probabilities; a calibration fitted for it shifts them by
     per-label offsets and tempers them, so its confidence is calibrated. When the LLM was asked because the
     verifier was unsure and the calibration shows this LLM helps, the fitted combination with the LLM's
     columns decides instead;
   - `calibrated`: the calibration's fitted combination of all signals (with the LLM's columns when it was
     fitted for this LLM and the LLM was asked);
   - `llm` (also when there is no verifier): the LLM judge's probabilities, with the calibration's offsets for
     this model file when it has them.
`judge.llm_call` (`LlmCall`) says when the LLM is asked at all (`asks_llm`). No model runs here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from service.domain import Decider, Decision, Label, Signals

if TYPE_CHECKING:
    from service.calibration import Calibration

# The rules' confidences without a calibration; a calibration file holds them measured (shrunk toward these).
NO_EVIDENCE_PRIOR = 0.8
NUMERIC_PRIOR = 0.85


class VerdictSource(StrEnum):
    """Who decides past the no-evidence and numeric rules."""

    VERIFIER = "verifier"
    CALIBRATED = "calibrated"
    LLM = "llm"


class LlmCall(StrEnum):
    """When the LLM judge is asked."""

    AUTO = "auto"  # when it decides, when a rationale is asked for, or when it helps an unsure verdict
    ALWAYS = "always"
    NEVER = "never"  # unless it decides


@dataclass(frozen=True)
class PolicyConfig:
    """The judge settings the policy follows (`judge.verdict_source`, `llm_call`, `fast_path_confidence`,
    `numeric_decides`), as service/bootstrap.py hands them to the pipeline."""

    source: VerdictSource
    llm_call: LlmCall
    fast_path_confidence: float
    numeric_decides: bool


class VerdictPolicy:
    """The verdict rules under one configuration: the settings' source and LLM use, the calibration in force,
    the verifier's name (None: no verifier, so the LLM decides) and how to get the LLM file's sha256."""

    def __init__(self, *, source: VerdictSource, llm_call: LlmCall, fast_path_confidence: float,
                 numeric_decides: bool, calibration: Calibration | None, verifier_name: str | None,
                 llm_sha256: Callable[[], str]) -> None:
        source, self.llm_call = VerdictSource(source), LlmCall(llm_call)  # settings copied unvalidated hold strings
        self.fast_path_confidence = fast_path_confidence
        self.numeric_decides = numeric_decides
        self.calibration = calibration
        self.verifier_name = verifier_name
        self._llm_sha256 = llm_sha256  # asked only when a calibration names an LLM file (hashing it is slow)
        if source is VerdictSource.CALIBRATED and calibration is not None:
            self.source = VerdictSource.CALIBRATED
        elif source is VerdictSource.LLM or verifier_name is None:
            self.source = VerdictSource.LLM
        else:  # `calibrated` without a calibration file falls back to the verifier
            self.source = VerdictSource.VERIFIER

    @classmethod
    def of(cls, config: PolicyConfig, calibration: Calibration | None, verifier_name: str | None,
           llm_sha256: Callable[[], str]) -> VerdictPolicy:
        """The policy the judge settings describe."""
        return cls(source=config.source, llm_call=config.llm_call, fast_path_confidence=config.fast_path_confidence,
                   numeric_decides=config.numeric_decides, calibration=calibration, verifier_name=verifier_name,
                   llm_sha256=llm_sha256)

    @property
    def llm_sha256(self) -> str:
        return self._llm_sha256()

    def decide(self, signals: Signals, *, llm_counts: bool = False) -> Decision:
        """The verdict the signals call for. `llm_counts`: the LLM was asked because the verifier's verdict was
        unsure, so (with a calibration showing this LLM helps) the fitted combination with its columns decides."""
        ruled = self.rule(signals)
        if ruled is not None:
            return ruled
        calibration = self.calibration
        if self.source is VerdictSource.CALIBRATED and calibration is not None:
            return figures_guard(calibration.combine(signals, use_llm=calibration.fits_llm(self.llm_sha256)), signals)
        if self.source is VerdictSource.LLM:
            return figures_guard(_by_probabilities(self._adjusted_llm(signals.llm), Decider.LLM), signals)
        if llm_counts and signals.llm is not None and calibration is not None \
                and calibration.llm_helps(self.llm_sha256):
            return figures_guard(calibration.combine(signals, use_llm=True), signals)
        verifier = signals.verifier
        if verifier and calibration is not None:
            verifier = calibration.adjusted_verifier(verifier)
        return figures_guard(_by_probabilities(verifier, Decider.VERIFIER), signals)

    def rule(self, signals: Signals) -> Decision | None:
        """No evidence → NOT_ENOUGH_INFO, or a clear numeric decision, each with its measured confidence."""
        if signals.evidence_count == 0:
            confidence = self.calibration.no_evidence_confidence if self.calibration else NO_EVIDENCE_PRIOR
            return Decision.by_rule(Label.NOT_ENOUGH_INFO, confidence, Decider.NO_EVIDENCE)
        if self.numeric_decides and signals.numeric is not None:
            confidence = self.calibration.numeric_confidence if self.calibration else NUMERIC_PRIOR
            return Decision.by_rule(signals.numeric, confidence, Decider.NUMERIC)
        return None

    def _adjusted_llm(self, probabilities: Mapping[Label, float] | None) -> Mapping[Label, float] | None:
        """The LLM's probabilities, shifted by the calibration's offsets when it has them for this model file
        (a small judge's raw argmax can be one label for everything)."""
        if not probabilities or self.calibration is None:
            return probabilities
        return self.calibration.adjusted_llm(probabilities, self.llm_sha256) or probabilities

    def unsure(self, decision: Decision) -> bool:
        """A verdict of the verifier or the combiner below `fast_path_confidence`."""
        return decision.decided_by in (Decider.CALIBRATED, Decider.VERIFIER) \
            and decision.confidence < self.fast_path_confidence

    def asks_llm(self, decision: Decision, explain: bool) -> bool:
        """always: yes. never: only if the LLM decides. auto: when it decides, when a rationale is asked for, or
        when the calibration shows this model helps and the verdict without it is unsure."""
        if decision.decided_by is Decider.LLM or self.llm_call is LlmCall.ALWAYS:
            return True
        if self.llm_call is LlmCall.NEVER:
            return False
        helps = self.calibration is not None and self.calibration.llm_helps(self.llm_sha256)
        return explain or (self.unsure(decision) and helps)

    def name(self) -> str:
        """Who decides past the rules, and when the LLM is asked: runs that differ here differ in verdicts (the
        stamp's `decider`)."""
        calibration = self.calibration
        verifier = f"verifier:{self.verifier_name}" if self.verifier_name else "no-verifier"
        llm = f"llm:{self.llm_call.value}"
        if self.source is VerdictSource.CALIBRATED and calibration is not None:
            return f"calibrated:{calibration.sha256[:12]}+{verifier}+{llm}"
        if self.source is VerdictSource.LLM:
            offsets = calibration is not None and calibration.has_llm_offsets(self.llm_sha256)
            return f"llm+offsets:{calibration.sha256[:12]}" if offsets and calibration else "llm"
        if calibration is not None:  # its confidences (not its combiner) apply
            return f"{verifier}+confidence:{calibration.sha256[:12]}+{llm}"
        return f"{verifier}+{llm}"


def figures_guard(decision: Decision, signals: Signals) -> Decision:
    """A model may not call a claim REFUTED on figures the figures engine found no conflict in: when the claim's
    measure appears only for other periods ("$640M in fiscal 2024" against a claim about fiscal 2025), or every
    claim figure is borne out, a REFUTED from the verifier, the combiner or the LLM becomes NOT_ENOUGH_INFO (its
    REFUTED probability moved there). Nor SUPPORTED on a figure the claim states that no evidence passage gives
    in any place or wording ("valued at $30 billion" beside "raised $4 billion"). A figure that conflicts in the
    claim's period, or a decision of the figures engine itself, is untouched."""
    # other periods only: any conflict counted is with another period's figure ("2024: $3.40" for a 2023 claim)
    refuted_without_conflict = decision.label is Label.REFUTED and (
        signals.numeric_other_period or (signals.numeric_consistent and not signals.numeric_conflict))
    supported_without_figure = decision.label is Label.SUPPORTED and signals.numeric_unmatched
    if not (refuted_without_conflict or supported_without_figure):
        return decision
    probabilities = dict(decision.probabilities)
    moved = probabilities.get(decision.label, 0.0)
    probabilities[decision.label] = 0.0
    probabilities[Label.NOT_ENOUGH_INFO] = round(probabilities.get(Label.NOT_ENOUGH_INFO, 0.0) + moved, 4)
    return Decision(Label.NOT_ENOUGH_INFO, probabilities[Label.NOT_ENOUGH_INFO], probabilities, decision.decided_by)


def _by_probabilities(probabilities: Mapping[Label, float] | None, decider: Decider) -> Decision:
    """The most probable label; no probabilities (the LLM not asked yet) → NOT_ENOUGH_INFO at 0."""
    if not probabilities:
        return Decision(Label.NOT_ENOUGH_INFO, 0.0, {}, decider)
    label = max(probabilities, key=lambda key: probabilities[key])
    return Decision(label, round(probabilities[label], 4), dict(probabilities), decider)
