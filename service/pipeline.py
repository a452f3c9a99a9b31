"""retrieve → select evidence → judge → verify citations, for claims (`check`) and questions (`ask`)."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from index.dates import DateRange
from index.library import Library
from index.retriever import HybridRetriever
from index.store import Snapshot
from service import asking
from service.calibration import NO_EVIDENCE_PRIOR, NUMERIC_PRIOR, Calibration, Decision
from service.claims.checkworthiness import CHECKABLE, checkworthiness
from service.claims.compound import combine, not_checkable
from service.claims.decompose import decompose
from service.claims.in_text import CheckedSentence, TextReport, sentences_to_check
from service.config import JudgeSettings, Settings
from service.domain import Answer, Citation, Decider, Label, Passage, Relation, Signals, Stamp, Verdict
from service.errors import ClaimTooLongError, EmptyClaimError, TextTooLongError
from service.numeric_check import NO_FINDING, NumericFinding, check_numbers
from service.ports import Judge, JudgeOutput
from service.verifier_port import Assessment, PassageVerifier, Verifier

NO_EVIDENCE_RATIONALE = "No passage in the collection is related closely enough to the claim."


@dataclass(frozen=True)
class Query:
    text: str
    collection: str | None = None
    top_k: int | None = None
    doc_ids: Collection[str] | None = None
    since: date | None = None  # only documents dated on or after this day (undated ones are left out)
    until: date | None = None  # only documents dated on or before this day (see index/dates.py)


def validate_text(text: str, limit: int, what: str = "claim") -> str:
    """The claim or question, stripped; empty or over-long input is refused before any model work."""
    text = text.strip()
    if not text:
        raise EmptyClaimError(f"the {what} is empty")
    if len(text) > limit:
        raise ClaimTooLongError(f"the {what} has {len(text)} characters; the limit is {limit} "
                                "(VERICLAIM_MAX_CLAIM_CHARS)")
    return text


def validate_text_to_check(text: str, limit: int) -> None:
    """A text for `check_text`: empty or over-long is refused before any model work (its offsets are kept,
    so it is not stripped)."""
    if not text.strip():
        raise EmptyClaimError("the text is empty")
    if len(text) > limit:
        raise TextTooLongError(f"the text has {len(text)} characters; the limit is {limit} "
                               "(VERICLAIM_CLAIMS__TEXT_MAX_CHARS)")


class Timer:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}
        self._last = self.started

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[f"{stage}_ms"] = round((now - self._last) * 1000, 2)
        self._last = now

    def done(self) -> dict[str, float]:
        self.timings["total_ms"] = round((time.perf_counter() - self.started) * 1000, 2)
        return self.timings


class EvidenceFinder:
    """Validation and retrieval, shared by `check`, `ask` and `search` (no judge needed)."""

    def __init__(self, settings: Settings, library: Library, retriever: HybridRetriever) -> None:
        self.settings = settings
        self.library = library
        self.retriever = retriever

    def validate(self, text: str, what: str = "claim") -> str:
        return validate_text(text, self.settings.max_claim_chars, what)

    def search(self, query: Query) -> tuple[list[Passage], Snapshot]:
        text = self.validate(query.text, "query")
        snapshot = self.library.snapshot(query.collection)
        k = query.top_k or self.settings.retrieval.top_k
        dates = DateRange.of(query.since, query.until)
        return self.retriever.search(snapshot, text, k, query.doc_ids, dates=dates), snapshot

    def evidence(self, query: Query) -> tuple[list[Passage], Snapshot]:
        """Retrieved passages that are related enough to count as evidence."""
        passages, snapshot = self.search(query)
        floor = self.settings.retrieval.min_score
        return [p for p in passages if p.scores.get("dense", p.score) >= floor], snapshot


class Pipeline:
    """check and ask. A verdict comes from, in order: no evidence → NOT_ENOUGH_INFO; a clear numeric result;
    then `judge.verdict_source`: the verifier's probabilities (default; with a calibration fitted for this
    verifier, its confidences are calibrated: tempered probabilities, the rules' measured confidences), the
    calibrated combination of the signals, or the LLM judge's probabilities. The LLM is asked only as
    `judge.llm_call` says (`_asks_llm`). The verifier scores every claim with evidence, also those a rule
    settles: its probabilities are part of the verdict's signals, which calibration fits on."""

    def __init__(self, finder: EvidenceFinder, judge: Judge, verifier: Verifier | None = None,
                 calibration: Calibration | None = None) -> None:
        self.finder = finder
        self.judge = judge
        self.verifier = verifier
        self.calibration = calibration

    @property
    def settings(self) -> JudgeSettings:
        return self.finder.settings.judge

    def check(self, query: Query, *, explain: bool = False) -> Verdict:
        """The verdict on `query.text`: a statement with nothing to check gets NOT_ENOUGH_INFO with the reason;
        a compound claim is checked part by part (service/claims/); anything else is one `check_atomic`.
        `explain` has the LLM write the rationale even when it is not needed for the verdict."""
        timer = Timer()
        claim = self.finder.validate(query.text)
        rules = self.finder.settings.claims
        worth = checkworthiness(claim) if rules.screen else CHECKABLE
        if not worth.checkable:
            snapshot = self.finder.library.snapshot(query.collection)  # an unknown collection is still an error
            return not_checkable(claim, worth, self.stamp(snapshot), timer.done())
        parts = decompose(claim, rules.max_parts) if rules.decompose else []
        if len(parts) < 2 or any(len(part.text) > self.finder.settings.max_claim_chars for part in parts):
            return self.check_atomic(query, explain=explain)  # one claim, or parts over the length limit
        verdicts = [self._check_part(replace(query, text=part.text), explain) for part in parts]
        return combine(claim, parts, verdicts, verdicts[0].stamp, timer.done()["total_ms"])

    def check_text(self, query: Query) -> TextReport:
        """Every checkable sentence of the text `query.text` checked (service/claims/in_text.py); the others
        listed with the reason. Offsets are into the text as given."""
        timer = Timer()
        text, rules = query.text, self.finder.settings.claims
        validate_text_to_check(text, rules.text_max_chars)
        self.finder.library.snapshot(query.collection)  # an unknown collection fails before any sentence is read
        chosen, skipped = sentences_to_check(text, max_claims=rules.text_max_claims,
                                             max_chars=self.finder.settings.max_claim_chars, screen=rules.screen)
        checked = tuple(CheckedSentence(s.start, s.end, s.text,
                                        _shifted(self.check(replace(query, text=s.text)), s.start))
                        for s in chosen)
        return TextReport(checked, tuple(skipped), timer.done())

    def _check_part(self, query: Query, explain: bool) -> Verdict:
        worth = checkworthiness(query.text) if self.finder.settings.claims.screen else CHECKABLE
        if worth.checkable:
            return self.check_atomic(query, explain=explain)
        return not_checkable(query.text, worth, self.stamp(self.finder.library.snapshot(query.collection)), {})

    def check_atomic(self, query: Query, *, explain: bool = False) -> Verdict:
        """The verdict on `query.text` read as one claim (no screening, no decomposition): what calibration
        fits on."""
        timer = Timer()
        claim = self.finder.validate(query.text)
        evidence, snapshot, singles = self._evidence(query, claim, timer)
        numbers = check_numbers(claim, evidence, snapshot) if evidence else NO_FINDING
        timer.lap("numeric")
        assessment = self._assess(claim, evidence, singles)
        signals = self._signals(evidence, numbers, assessment)
        timer.lap("verify")
        decision = self.decide(signals)
        output = None
        if evidence and self._asks_llm(decision, explain):
            unsure = self._unsure(decision)
            output = self.judge.judge(claim, evidence)
            timer.lap("judge")
            signals = replace(signals, llm=output.probabilities)
            decision = self.decide(signals, llm_counts=unsure)
        if decision.decided_by is Decider.NUMERIC:
            cited = list(numbers.decisive)
        else:
            cited = self._cited(evidence, _citing(decision, output, assessment, len(evidence)),
                                decision.label)
        return Verdict(
            claim=claim,
            label=decision.label,
            confidence=round(decision.confidence, 4),
            rationale=_rationale(decision, signals, numbers, output, cited or evidence),
            citations=_verified(snapshot, cited),
            stamp=self.stamp(snapshot),
            timings=timer.done(),
            numeric=numbers.comparisons,
            passages=tuple(evidence),
            signals=signals,
            decided_by=decision.decided_by,
            probabilities={label: round(p, 4) for label, p in decision.probabilities.items()},
        )

    def _evidence(self, query: Query, claim: str, timer: Timer) -> tuple[list[Passage], Snapshot, np.ndarray | None]:
        """The evidence passages; with `retrieval.rerank_candidates` above top-k and a passage verifier, that
        many candidates are retrieved and the verifier's reranking (`rerank`) keeps the top k. Third: the
        verifier's rows for the kept passages when reranking computed them, else None."""
        k = query.top_k or self.finder.settings.retrieval.top_k
        wider = self.finder.settings.retrieval.rerank_candidates
        if wider <= k or not isinstance(self.verifier, PassageVerifier):
            evidence, snapshot = self.finder.evidence(query)
            timer.lap("retrieve")
            return evidence, snapshot, None
        candidates, snapshot = self.finder.evidence(replace(query, top_k=wider))
        timer.lap("retrieve")
        evidence, rows = rerank(self.verifier, claim, candidates, k, self.finder.settings.retrieval.rerank_weight)
        timer.lap("rerank")
        return evidence, snapshot, rows

    def _assess(self, claim: str, evidence: Sequence[Passage], singles: np.ndarray | None = None) -> Assessment | None:
        if self.verifier is None or not evidence:
            return None
        if isinstance(self.verifier, PassageVerifier):
            return self.verifier.assess(claim, evidence, singles)
        return Assessment(self.verifier.score(claim, evidence))

    @staticmethod
    def _signals(evidence: Sequence[Passage], numbers: NumericFinding, assessment: Assessment | None) -> Signals:
        relations = [c.relation for c in numbers.comparisons]
        readings = (assessment.passages or (assessment.probabilities,)) if assessment else ()
        return Signals(
            retrieval_score=evidence[0].score if evidence else 0.0,
            retrieval_dense=max((p.scores.get("dense", p.score) for p in evidence), default=0.0),
            evidence_count=len(evidence),
            verifier=assessment.probabilities if assessment else None,
            verifier_max_supported=max((r[Label.SUPPORTED] for r in readings), default=None),
            verifier_max_refuted=max((r[Label.REFUTED] for r in readings), default=None),
            numeric=numbers.decision,
            numeric_agree=relations.count(Relation.CONSISTENT),
            numeric_conflict=relations.count(Relation.CONTRADICTS),
        )

    def decide(self, signals: Signals, *, llm_counts: bool = False) -> Decision:
        """The verdict the signals call for under the settings (no model is run here). `llm_counts`: the LLM
        was asked because the verifier's verdict was unsure, so (under `verdict_source=verifier`, with a
        calibration showing this LLM helps) the fitted combination with its probabilities decides."""
        numeric_rule = self.settings.numeric_decides
        calibration, llm_sha256 = self.calibration, self.judge.model_sha256
        by_llm = self.settings.verdict_source == "llm" or self.verifier is None
        if calibration is not None:
            if self._calibrated:
                return calibration.decide(signals, numeric_rule=numeric_rule, use_llm=calibration.fits_llm(llm_sha256))
            if llm_counts and signals.llm is not None and calibration.llm_helps(llm_sha256) and not by_llm:
                return calibration.decide(signals, numeric_rule=numeric_rule, use_llm=True)
            decision = calibration.decide_by_llm(signals, llm_sha256, numeric_rule=numeric_rule) if by_llm \
                else calibration.decide_by_verifier(signals, numeric_rule=numeric_rule)
            if decision is not None:
                return decision
        if signals.evidence_count == 0:
            return Decision.by_rule(Label.NOT_ENOUGH_INFO, NO_EVIDENCE_PRIOR, Decider.NO_EVIDENCE)
        if numeric_rule and signals.numeric is not None:
            return Decision.by_rule(signals.numeric, NUMERIC_PRIOR, Decider.NUMERIC)
        if by_llm:
            probabilities, decider = signals.llm, Decider.LLM
        else:
            probabilities, decider = signals.verifier, Decider.VERIFIER
        if probabilities is None:  # the LLM has not been asked yet
            return Decision(Label.NOT_ENOUGH_INFO, 0.0, {}, decider)
        label = max(probabilities, key=lambda key: probabilities[key])
        return Decision(label, probabilities[label], dict(probabilities), decider)

    def _unsure(self, decision: Decision) -> bool:
        """A verdict of the verifier or the combiner below `fast_path_confidence`."""
        return decision.decided_by in (Decider.CALIBRATED, Decider.VERIFIER) \
            and decision.confidence < self.settings.fast_path_confidence

    def _asks_llm(self, decision: Decision, explain: bool) -> bool:
        """always: yes. never: only if the LLM decides (verdict_source=llm). auto: when it decides, when a
        rationale is asked for, or when the calibration shows this model helps and the verdict without it is
        below `fast_path_confidence`."""
        if decision.decided_by is Decider.LLM or self.settings.llm_call == "always":
            return True
        if self.settings.llm_call == "never":
            return False
        helps = self.calibration is not None and self.calibration.llm_helps(self.judge.model_sha256)
        return explain or (self._unsure(decision) and helps)

    @property
    def _calibrated(self) -> bool:
        return self.calibration is not None and self.settings.verdict_source == "calibrated"

    def ask(self, query: Query, *, phrase: bool = False) -> Answer:
        """The sentence that answers the question, quoted, with its figure or date (service/asking.py);
        `phrase`: the LLM rewords it, kept only if it keeps to the quote's figures and dates."""
        timer = Timer()
        question = self.finder.validate(query.text, "question")
        evidence, snapshot = self.finder.evidence(replace(query, top_k=query.top_k or asking.CANDIDATES))
        timer.lap("retrieve")
        result = asking.answer(question, evidence, snapshot, self.judge, self.stamp(snapshot), phrase=phrase)
        timer.lap("answer")
        return replace(result, timings=timer.done())

    @staticmethod
    def _cited(evidence: Sequence[Passage], cited: Sequence[int], label: Label) -> list[Passage]:
        """What the verdict rests on: the passages the judge named, else the best passage."""
        if label is Label.NOT_ENOUGH_INFO:
            return []
        return [evidence[i] for i in cited if 0 <= i < len(evidence)] or [evidence[0]]

    def stamp(self, snapshot: Snapshot) -> Stamp:
        return Stamp(
            model_file=self.judge.model_name,
            model_sha256=self.judge.model_sha256,
            embedding_model=self.finder.library.embedder.name,
            index_version=snapshot.version,
            prompt_name=self.judge.prompt_name,
            prompt_sha256=self.judge.prompt_sha256,
            decider=self._decider_name() + self._claim_rules(),
        )

    def _decider_name(self) -> str:
        """Who decides past the rules, and when the LLM is asked: runs that differ here differ in verdicts."""
        verifier = f"verifier:{self.verifier.name}" if self.verifier else "no-verifier"
        llm = f"llm:{self.settings.llm_call}"
        if self._calibrated:
            assert self.calibration is not None
            return f"calibrated:{self.calibration.sha256[:12]}+{verifier}+{llm}"
        if self.settings.verdict_source == "llm" or self.verifier is None:
            offsets = self.calibration is not None and self.calibration.llm_offsets is not None \
                and self.calibration.fitted_for.get("llm_sha256") == self.judge.model_sha256
            return f"llm+offsets:{self.calibration.sha256[:12]}" if offsets and self.calibration else "llm"
        if self.calibration is not None:  # its confidences (not its combiner) apply
            return f"{verifier}+confidence:{self.calibration.sha256[:12]}+{llm}"
        return f"{verifier}+{llm}"

    def _claim_rules(self) -> str:
        """"+screen+parts" when statements are screened and compound claims split (service/claims/)."""
        rules = self.finder.settings.claims
        return ("+screen" if rules.screen else "") + (f"+parts{rules.max_parts}" if rules.decompose else "")


def _shifted(verdict: Verdict, offset: int) -> Verdict:
    """The verdict with its parts' offsets moved from the sentence into the text it comes from."""
    if not verdict.parts:
        return verdict
    return replace(verdict, parts=tuple(replace(part, start=part.start + offset, end=part.end + offset)
                                        for part in verdict.parts))


def rerank(verifier: PassageVerifier, claim: str, candidates: Sequence[Passage], k: int,
           weight: float) -> tuple[list[Passage], np.ndarray | None]:
    """The k candidates that bear most on the claim: the verifier's 1 − P(NOT_ENOUGH_INFO) for each, plus
    `weight` × its retrieval score over the best candidate's. Order among the chosen follows that score.
    Second: the verifier's rows for the chosen (for `assess`), or None when there were only k to begin with."""
    if len(candidates) <= k:
        return list(candidates), None
    rows = verifier.predict_pairs([p.text.strip() for p in candidates], [claim] * len(candidates))
    best = max((p.score for p in candidates), default=0.0) or 1.0
    scored = [(1.0 - float(row[2])) + weight * passage.score / best for row, passage in zip(rows, candidates,
                                                                                          strict=True)]
    order = sorted(range(len(candidates)), key=lambda i: -scored[i])[:k]
    return [candidates[i] for i in order], rows[order]


def _citing(decision: Decision, output: JudgeOutput | None, assessment: Assessment | None,
            passages: int) -> Sequence[int]:
    """Which passages a verdict rests on: the LLM's citations when it decided for the label it read; else the
    passages the verifier
    found for the verdict's label (P ≥ 0.5, most probable first; at least the most probable one); else the
    first."""
    if output is not None and output.label is decision.label and decision.decided_by in (Decider.LLM,
                                                                                        Decider.CALIBRATED_LLM):
        return output.cited  # the LLM chose these for its own label
    if assessment is None or not assessment.passages or decision.label is Label.NOT_ENOUGH_INFO:
        return (0,)
    singles = assessment.passages[:passages]
    ranked = sorted(range(len(singles)), key=lambda i: -singles[i][decision.label])
    return [i for i in ranked if singles[i][decision.label] >= 0.5] or ranked[:1]


def _rationale(decision: Decision, signals: Signals, numbers: NumericFinding, output: JudgeOutput | None,
               evidence: Sequence[Passage]) -> str:
    """What decided, in words. The LLM's text (written for the label it read) appears only when that label is
    the verdict's: as the rationale when the LLM decided, else as commentary after what did. Otherwise it is
    left out, so a rationale never argues for another label than the verdict."""
    if decision.decided_by is Decider.NO_EVIDENCE:
        return NO_EVIDENCE_RATIONALE
    said = output.rationale if output is not None and output.label is decision.label else ""
    if said and decision.decided_by in (Decider.LLM, Decider.CALIBRATED_LLM):
        return f"LLM judge: {said}"
    base = numbers.rationale if decision.decided_by is Decider.NUMERIC else _signals_rationale(decision, signals,
                                                                                               evidence[0])
    # `evidence` starts with what the verdict cites, when it cites anything
    return f"{base} LLM commentary (it did not decide): {said}" if said else base


def _signals_rationale(decision: Decision, signals: Signals, best: Passage) -> str:
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


def _verified(snapshot: Snapshot, passages: Sequence[Passage]) -> tuple[Citation, ...]:
    """Citations for the passages whose text is exactly the stored text at their offsets; others dropped."""
    return tuple(c for c in map(snapshot.cite, passages) if c is not None)
