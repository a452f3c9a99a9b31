"""check and ask: evidence (service/evidence.py) → figures → verifier → verdict (service/verdict_policy.py) →
LLM judge when the policy asks → verified citations. `check` first screens and splits the claim
(service/claims/); `check_atomic` is one claim; `ask` quotes the sentence that answers a question. What the
pipeline is handed, `PipelineConfig`, service/bootstrap.py makes from the settings."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from service import asking
from service.calibration import Calibration
from service.claims.checkworthiness import CHECKABLE, Checkworthiness, Reason, checkworthiness, states_a_plan
from service.claims.compound import combine, needs_whole, not_checkable
from service.claims.decompose import decompose
from service.claims.in_text import CheckedSentence, SkippedSentence, TextReport, sentences_to_check
from service.claims.questions import search_wording
from service.domain import Answer, Citation, Decider, Decision, Label, Passage, Relation, Signals, Stamp, Verdict
from service.evidence import EvidenceFinder, Query, bearing, rerank, validate_text_to_check
from service.figures import NO_FINDING, NumericFinding, check_numbers, read_derived
from service.ports import Assessment, CollectionView, Judge, PassageVerifier, Verifier
from service.rationale import citing, rationale
from service.verdict_policy import PolicyConfig, VerdictPolicy


@dataclass(frozen=True)
class ClaimRules:
    """How a claim or a text is read before it is checked (service/claims/): statements screened, compound claims
    split into at most `max_parts`, and the longest text and most sentences `check_text` takes."""

    screen: bool
    decompose: bool
    max_parts: int
    text_max_chars: int
    text_max_claims: int


@dataclass(frozen=True)
class PipelineConfig:
    """The verdict policy's settings, the claim rules, the longest claim (a part over it leaves its claim checked
    whole), the evidence passages a query gets when it names no `top_k`, and the verifier's reranking: that many
    candidates (at or below top_k: none), the retrieval score weighted by `rerank_weight`."""

    policy: PolicyConfig
    claims: ClaimRules
    max_claim_chars: int
    top_k: int
    rerank_candidates: int
    rerank_weight: float


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


class Pipeline:
    """check and ask over the finder's collections. The verifier scores every claim with evidence, also those a
    rule settles: its probabilities are part of the verdict's signals, which calibration fits on. Who decides,
    and whether the LLM is asked, is the `policy`'s call (service/verdict_policy.py)."""

    def __init__(self, config: PipelineConfig, finder: EvidenceFinder, judge: Judge, verifier: Verifier | None = None,
                 calibration: Calibration | None = None) -> None:
        self.config = config
        self.finder = finder
        self.judge = judge
        self.verifier = verifier
        self.policy = VerdictPolicy.of(config.policy, calibration, verifier.name if verifier else None,
                                       lambda: judge.model_sha256)

    @property
    def calibration(self) -> Calibration | None:
        """The calibration in force (the policy's; a new one means a new pipeline: `uncalibrated`)."""
        return self.policy.calibration

    def uncalibrated(self) -> Pipeline:
        """The same pipeline without a calibration: the verifier's (or the LLM's) raw probabilities decide."""
        return Pipeline(self.config, self.finder, self.judge, self.verifier, None)

    def check(self, query: Query, *, explain: bool = False) -> Verdict:
        """The verdict on `query.text`: a statement with nothing to check gets NOT_ENOUGH_INFO with the reason;
        a compound claim is checked part by part (service/claims/); anything else is one `check_atomic`.
        `explain` has the LLM write the rationale even when it is not needed for the verdict."""
        timer = Timer()
        claim = self.finder.validate(query.text)
        rules = self.config.claims
        worth = checkworthiness(claim) if rules.screen else CHECKABLE
        if not worth.checkable:
            return self._screened(replace(query, text=claim), worth, explain, timer)
        parts = decompose(claim, rules.max_parts) if rules.decompose else []
        if len(parts) < 2 or any(len(part.text) > self.config.max_claim_chars for part in parts):
            return self.check_atomic(query, explain=explain)  # one claim, or parts over the length limit
        verdicts = [self._check_part(replace(query, text=part.text), explain) for part in parts]
        whole = self.check_atomic(query, explain=explain) if needs_whole(verdicts) else None
        return combine(claim, parts, verdicts, verdicts[0].stamp, timer.done()["total_ms"], whole)

    def check_text(self, query: Query) -> TextReport:
        """Every checkable sentence of the text `query.text` checked (service/claims/in_text.py); the others
        listed with the reason. Offsets are into the text as given."""
        timer = Timer()
        text, rules = query.text, self.config.claims
        validate_text_to_check(text, rules.text_max_chars)
        self.finder.library.snapshot(query.collection)  # an unknown collection fails before any sentence is read
        chosen, skipped = sentences_to_check(text, max_claims=rules.text_max_claims,
                                             max_chars=self.config.max_claim_chars, screen=rules.screen)
        read = [(s, _shifted(self.check(replace(query, text=s.text)), s.start)) for s in chosen]
        checked = tuple(CheckedSentence(s.start, s.end, s.text, v) for s, v in read if not _unchecked(v))
        skipped += [SkippedSentence(s.start, s.end, s.text, v.reason or "") for s, v in read if _unchecked(v)]
        return TextReport(checked, tuple(sorted(skipped, key=lambda s: s.start)), timer.done())

    def _check_part(self, query: Query, explain: bool) -> Verdict:
        worth = checkworthiness(query.text) if self.config.claims.screen else CHECKABLE
        if worth.checkable:
            return self.check_atomic(query, explain=explain)
        return self._screened(query, worth, explain, None)

    def _screened(self, query: Query, worth: Checkworthiness, explain: bool, timer: Timer | None) -> Verdict:
        """NOT_ENOUGH_INFO with the reason for a statement with nothing to check — except a prediction that the
        documents state as a plan or a forecast ("… will retire Heron at the end of 2025" against "Heron: to be
        retired at the end of 2025"), which gets the verdict they give."""
        snapshot = self.finder.library.snapshot(query.collection)  # an unknown collection is still an error
        if worth.reason is Reason.PREDICTION:
            verdict = self.check_atomic(query, explain=explain)
            if verdict.label is not Label.NOT_ENOUGH_INFO and verdict.citations \
                    and states_a_plan(verdict.citations[0].quote):  # the deciding sentence itself speaks of it
                return verdict
        return not_checkable(query.text, worth, self.stamp(snapshot), timer.done() if timer else {})

    def _operands(self, query: Query, claim: str) -> list[Passage]:
        """Passages for a share's whole ("about a quarter of Pellucid's revenue in 2025"), a ratio's terms and a
        listed total's ("across its seed, Series A and Series B rounds"), retrieved on their own: the claim's other
        words pull one operand's passages first, and the arithmetic needs all of them."""
        derived = read_derived(claim)
        if derived is None:
            return []
        # a ratio's, a listed total's or a named whole's terms, each searched with whose they are
        owners = " ".join(re.findall(r"\b([A-Z][\w&-]*)['’]s\b", claim))
        searches = [f"{owners} {item}".strip() for item in derived.items]
        if derived.kind == "share":
            searches.append(derived.text)
        found: dict[tuple[str, int], Passage] = {}
        for text in searches:  # twice the sentences: a column summed needs every row of its table
            passages, _ = self.finder.evidence(replace(query, text=text, top_k=2 * (query.top_k or self.config.top_k)))
            found.update(((p.doc_id, p.start), p) for p in passages)
        return list(found.values())

    def check_atomic(self, query: Query, *, explain: bool = False) -> Verdict:
        """The verdict on `query.text` read as one claim (no screening, no decomposition): what calibration
        fits on."""
        timer = Timer()
        claim = self.finder.validate(query.text)
        evidence, snapshot, singles = self._evidence(query, claim, timer)
        numbers = check_numbers(claim, evidence, snapshot, self._operands(query, claim)) if evidence else NO_FINDING
        timer.lap("numeric")
        assessment = self._assess(claim, evidence, singles)
        signals = _signals(evidence, numbers, assessment)
        timer.lap("verify")
        decision = self.policy.decide(signals)
        output = None
        if evidence and self.policy.asks_llm(decision, explain):
            unsure = self.policy.unsure(decision)
            output = self.judge.judge(claim, evidence)
            timer.lap("judge")
            signals = replace(signals, llm=output.probabilities)
            decision = self.policy.decide(signals, llm_counts=unsure)
        cited = _cited(decision, numbers, evidence, citing(decision, output, assessment, len(evidence)))
        return Verdict(
            claim=claim,
            label=decision.label,
            confidence=round(decision.confidence, 4),
            rationale=rationale(decision, signals, numbers, output, cited or evidence),
            citations=_verified(snapshot, cited),
            stamp=self.stamp(snapshot),
            timings=timer.done(),
            numeric=numbers.comparisons,
            passages=tuple(evidence),
            signals=signals,
            decided_by=decision.decided_by,
            probabilities={label: round(p, 4) for label, p in decision.probabilities.items()},
        )

    def _evidence(self, query: Query, claim: str,
                  timer: Timer) -> tuple[list[Passage], CollectionView, np.ndarray | None]:
        """The evidence passages; with `rerank_candidates` above top-k and a passage verifier, that
        many candidates are retrieved and the verifier's reranking (`rerank`) keeps the top k. Third: the
        verifier's rows for the kept passages when reranking computed them, else None."""
        k = query.top_k or self.config.top_k
        wider = self.config.rerank_candidates
        if wider <= k or not isinstance(self.verifier, PassageVerifier):
            evidence, snapshot = self.finder.evidence(query)
            timer.lap("retrieve")
            return evidence, snapshot, None
        candidates, snapshot = self.finder.evidence(replace(query, top_k=wider))
        timer.lap("retrieve")
        evidence, rows = rerank(self.verifier, claim, candidates, k, self.config.rerank_weight)
        timer.lap("rerank")
        return evidence, snapshot, rows

    def _assess(self, claim: str, evidence: Sequence[Passage], singles: np.ndarray | None = None) -> Assessment | None:
        if self.verifier is None or not evidence:
            return None
        if isinstance(self.verifier, PassageVerifier):
            return self.verifier.assess(claim, evidence, singles)
        return Assessment(self.verifier.score(claim, evidence))

    def ask(self, query: Query, *, phrase: bool = False) -> Answer:
        """The sentence that answers the question, quoted, with its figure or date (service/asking.py);
        `phrase`: the LLM rewords it, kept only if it keeps to the quote's figures and dates."""
        timer = Timer()
        question = self.finder.validate(query.text, "question")
        evidence, snapshot = self.finder.evidence(replace(query, top_k=query.top_k or asking.CANDIDATES),
                                                  also=search_wording(question))  # in the documents' words too
        timer.lap("retrieve")
        relevance = None
        if evidence and isinstance(self.verifier, PassageVerifier):  # how much each sentence bears on the question
            relevance = bearing(self.verifier.predict_pairs([p.as_read.strip() for p in evidence],
                                                             [question] * len(evidence)))
            timer.lap("relevance")
        result = asking.answer(question, evidence, snapshot, self.judge, self.stamp(snapshot), phrase=phrase,
                               relevance=relevance)
        timer.lap("answer")
        return replace(result, timings=timer.done())

    def stamp(self, snapshot: CollectionView) -> Stamp:
        return Stamp(
            model_file=self.judge.model_name,
            model_sha256=self.judge.model_sha256,
            embedding_model=self.finder.library.embedder.name,
            index_version=snapshot.version,
            prompt_name=self.judge.prompt_name,
            prompt_sha256=self.judge.prompt_sha256,
            decider=self.policy.name() + self._claim_rules(),
        )

    def _claim_rules(self) -> str:
        """"+screen+parts" when statements are screened and compound claims split (service/claims/)."""
        rules = self.config.claims
        return ("+screen" if rules.screen else "") + (f"+parts{rules.max_parts}" if rules.decompose else "")


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
        numeric_other_period=numbers.other_period,
        numeric_consistent=numbers.consistent,
        numeric_unmatched=numbers.unmatched,
    )


def _cited(decision: Decision, numbers: NumericFinding, evidence: Sequence[Passage],
           chosen: Sequence[int]) -> list[Passage]:
    """What the verdict rests on: the figures' passages when they decided; else the passages the judge or the
    verifier chose, or the best passage; nothing for NOT_ENOUGH_INFO."""
    if decision.decided_by is Decider.NUMERIC:
        return list(numbers.decisive)
    if decision.label is Label.NOT_ENOUGH_INFO:
        return []
    return [evidence[i] for i in chosen if 0 <= i < len(evidence)] or [evidence[0]]


def _unchecked(verdict: Verdict) -> bool:
    return verdict.decided_by is Decider.NOT_CHECKABLE  # a prediction no plan in the documents speaks of


def _shifted(verdict: Verdict, offset: int) -> Verdict:
    """The verdict with its parts' offsets moved from the sentence into the text it comes from."""
    if not verdict.parts:
        return verdict
    return replace(verdict, parts=tuple(replace(part, start=part.start + offset, end=part.end + offset)
                                        for part in verdict.parts))


def _verified(snapshot: CollectionView, passages: Sequence[Passage]) -> tuple[Citation, ...]:
    """Citations for the passages whose text is exactly the stored text at their offsets; others dropped."""
    return tuple(c for c in map(snapshot.cite, passages) if c is not None)
