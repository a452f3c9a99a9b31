"""retrieve → select evidence → judge → verify citations, for claims (`check`) and questions (`ask`)."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from index.library import Library
from index.retriever import HybridRetriever
from index.store import Snapshot
from service.config import Settings
from service.domain import Answer, Citation, Label, Passage, Stamp, Verdict
from service.errors import ClaimTooLongError, EmptyClaimError
from service.numeric_check import NUMERIC_CONFIDENCE, check_numbers
from service.ports import Judge
from service.verifier_port import Verifier

NO_EVIDENCE_CONFIDENCE = 0.8  # a prior, not a measurement; calibration replaces it
NO_EVIDENCE_RATIONALE = "No passage in the collection is related closely enough to the claim."
NO_ANSWER = "The documents do not say."


@dataclass(frozen=True)
class Query:
    text: str
    collection: str | None = None
    top_k: int | None = None
    doc_ids: Collection[str] | None = None


def validate_text(text: str, limit: int, what: str = "claim") -> str:
    """The claim or question, stripped; empty or over-long input is refused before any model work."""
    text = text.strip()
    if not text:
        raise EmptyClaimError(f"the {what} is empty")
    if len(text) > limit:
        raise ClaimTooLongError(f"the {what} has {len(text)} characters; the limit is {limit} "
                                "(VERICLAIM_MAX_CLAIM_CHARS)")
    return text


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
        return self.retriever.search(snapshot, text, k, query.doc_ids), snapshot

    def evidence(self, query: Query) -> tuple[list[Passage], Snapshot]:
        """Retrieved passages that are related enough to count as evidence."""
        passages, snapshot = self.search(query)
        floor = self.settings.retrieval.min_score
        return [p for p in passages if p.scores.get("dense", p.score) >= floor], snapshot


class Pipeline:
    """check and ask. Verdicts come from, in order: no evidence → NOT_ENOUGH_INFO; a clear numeric result;
    the trained verifier or the LLM judge (`judge.verdict_source`)."""

    def __init__(self, finder: EvidenceFinder, judge: Judge, verifier: Verifier | None = None) -> None:
        self.finder = finder
        self.judge = judge
        self.verifier = verifier

    def check(self, query: Query) -> Verdict:
        timer = Timer()
        claim = self.finder.validate(query.text)
        evidence, snapshot = self.finder.evidence(query)
        timer.lap("retrieve")
        stamp = self.stamp(snapshot)
        if not evidence:
            return Verdict(claim, Label.NOT_ENOUGH_INFO, NO_EVIDENCE_CONFIDENCE, NO_EVIDENCE_RATIONALE, (),
                           stamp, timer.done())
        numbers = check_numbers(claim, evidence, snapshot)
        timer.lap("numeric")
        if numbers.decision is not None and self.finder.settings.judge.numeric_decides:
            return Verdict(claim, numbers.decision, NUMERIC_CONFIDENCE, numbers.rationale,
                           _verified(snapshot, numbers.decisive), stamp, timer.done(), numbers.comparisons,
                           tuple(evidence))
        if self._verifier_decides:
            probabilities = self.verifier.score(claim, evidence)
            cited, rationale = (0,), _verifier_rationale(probabilities, evidence[0])
            timer.lap("verify")
        else:
            output = self.judge.judge(claim, evidence)
            probabilities, cited, rationale = output.probabilities, output.cited, output.rationale
            timer.lap("judge")
        label = max(probabilities, key=lambda key: probabilities[key])
        return Verdict(
            claim=claim,
            label=label,
            confidence=round(probabilities[label], 4),
            rationale=rationale,
            citations=_verified(snapshot, self._cited(evidence, cited, label)),
            stamp=stamp,
            timings=timer.done(),
            numeric=numbers.comparisons,
            passages=tuple(evidence),
        )

    def ask(self, query: Query) -> Answer:
        timer = Timer()
        question = self.finder.validate(query.text, "question")
        evidence, snapshot = self.finder.evidence(query)
        timer.lap("retrieve")
        if not evidence:
            return Answer(question, NO_ANSWER, (), self.stamp(snapshot), timer.done())
        output = self.judge.answer(question, evidence)
        timer.lap("answer")
        cited = [evidence[i] for i in output.cited if 0 <= i < len(evidence)] or evidence[:2]
        return Answer(question, output.text, _verified(snapshot, cited), self.stamp(snapshot), timer.done(),
                      tuple(evidence))

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
            decider=f"verifier:{self.verifier.name}" if self.verifier and self._verifier_decides else "llm",
        )

    @property
    def _verifier_decides(self) -> bool:
        return self.verifier is not None and self.finder.settings.judge.verdict_source == "verifier"


def _verifier_rationale(probabilities: dict[Label, float], best: Passage) -> str:
    ranked = sorted(probabilities.items(), key=lambda item: -item[1])
    shares = ", ".join(f"{label.value} {p:.2f}" for label, p in ranked)
    return f"Trained verifier over the evidence sentences ({shares}); closest evidence: {best.doc_id}."


def _verified(snapshot: Snapshot, passages: Sequence[Passage]) -> tuple[Citation, ...]:
    """Citations for the passages whose text is exactly the stored text at their offsets; others dropped."""
    return tuple(c for c in map(snapshot.cite, passages) if c is not None)
