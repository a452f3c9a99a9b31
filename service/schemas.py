"""The wire format of results: pydantic models shared by HTTP responses, `--json` output and eval files (what
requests may carry is in service/requests.py)."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel, Field

from service.claims.in_text import CheckedSentence, SkippedSentence, TextReport
from service.domain import (
    Answer,
    ChangeSummary,
    Citation,
    Decider,
    Label,
    NumericComparison,
    PartVerdict,
    Passage,
    Signals,
    Stamp,
    Verdict,
)


class CitationOut(BaseModel):
    doc_id: str
    start: int
    end: int
    quote: str

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        return cls(doc_id=citation.doc_id, start=citation.start, end=citation.end, quote=citation.quote)


class PassageOut(BaseModel):
    doc_id: str
    start: int
    end: int
    text: str
    score: float
    scores: dict[str, float]
    title: str | None = None

    @classmethod
    def of(cls, passage: Passage) -> PassageOut:
        return cls(**passage.__dict__)


class NumericOut(BaseModel):
    claim_value: str
    evidence_value: str
    relation: str
    gap: str | None
    citation: CitationOut | None

    @classmethod
    def of(cls, item: NumericComparison) -> NumericOut:
        citation = CitationOut.of(item.citation) if item.citation else None
        return cls(claim_value=item.claim_value, evidence_value=item.evidence_value,
                   relation=item.relation.value, gap=item.gap, citation=citation)


class StampOut(BaseModel):
    model_file: str
    model_sha256: str
    embedding_model: str
    index_version: str
    prompt_name: str
    prompt_sha256: str
    decider: str

    @classmethod
    def of(cls, stamp: Stamp) -> StampOut:
        return cls(**stamp.__dict__)


class SignalsOut(BaseModel):
    """What each source said before they were combined (see service/calibration.py)."""

    retrieval_score: float
    retrieval_dense: float
    evidence_count: int
    verifier: dict[Label, float] | None
    verifier_max_supported: float | None = None
    verifier_max_refuted: float | None = None
    numeric: Label | None
    numeric_agree: int
    numeric_conflict: int
    llm: dict[Label, float] | None

    @classmethod
    def of(cls, signals: Signals) -> SignalsOut:
        return cls(**dataclasses.asdict(signals))


class CheckResponse(BaseModel):
    claim: str
    verdict: Label
    confidence: float
    rationale: str
    citations: list[CitationOut]
    numeric: list[NumericOut]
    passages: list[PassageOut]
    stamp: StampOut
    timings: dict[str, float]
    decided_by: Decider | None = None
    probabilities: dict[Label, float] = {}  # each label's probability from the decider (rules: see Decision.by_rule)
    signals: SignalsOut | None = None
    reason: str | None = Field(None, description="Why no finding was made, e.g. "
                               "'not a checkable statement (a prediction)'.")
    parts: list[SpanCheckOut] = Field([], description="A compound claim's atomic parts, each with its own verdict; "
                                 "the claim's verdict combines them.")

    @classmethod
    def of(cls, verdict: Verdict) -> CheckResponse:
        return cls(
            claim=verdict.claim,
            verdict=verdict.label,
            confidence=verdict.confidence,
            rationale=verdict.rationale,
            citations=[CitationOut.of(c) for c in verdict.citations],
            numeric=[NumericOut.of(n) for n in verdict.numeric],
            passages=[PassageOut.of(p) for p in verdict.passages],
            stamp=StampOut.of(verdict.stamp),
            timings=verdict.timings,
            decided_by=verdict.decided_by,
            probabilities=verdict.probabilities,
            signals=SignalsOut.of(verdict.signals) if verdict.signals else None,
            reason=verdict.reason,
            parts=[SpanCheckOut.of(part) for part in verdict.parts],
        )


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """A verdict as the JSON /v1/check answers: what a job's and check-batch's result lines hold as `result`, and
    eval's prediction rows around it. The files' writers turn a `Verdict` into it as they write."""
    return CheckResponse.of(verdict).model_dump(mode="json")


class SpanCheckOut(BaseModel):
    """A checked span of the input: a compound claim's part (`text` is what was checked, with its subject
    carried over; `start:end` the words it comes from, in the response's `claim` — the request's, stripped — or,
    under /v1/check/text, in the text) or a sentence of a text (offsets in the text). Offsets count Unicode
    code points, as Python and JSON strings do."""

    text: str
    start: int
    end: int
    result: CheckResponse

    @classmethod
    def of(cls, item: PartVerdict | CheckedSentence) -> SpanCheckOut:
        return cls(text=item.text, start=item.start, end=item.end, result=CheckResponse.of(item.verdict))


class SkippedSentenceOut(BaseModel):
    start: int
    end: int
    text: str
    reason: str

    @classmethod
    def of(cls, item: SkippedSentence) -> SkippedSentenceOut:
        return cls(start=item.start, end=item.end, text=item.text, reason=item.reason)


class TextCheckResponse(BaseModel):
    claims: list[SpanCheckOut] = Field(description="The checkable sentences, in order, each with its verdict.")
    skipped: list[SkippedSentenceOut] = Field(description="Sentences not checked, with the reason.")
    timings: dict[str, float]

    @classmethod
    def of(cls, report: TextReport) -> TextCheckResponse:
        return cls(claims=[SpanCheckOut.of(c) for c in report.claims],
                   skipped=[SkippedSentenceOut.of(s) for s in report.skipped], timings=report.timings)


class AskResponse(BaseModel):
    question: str
    answer: str
    kind: str = Field(description="What the question asks for: amount, count, date, duration or text.")
    value: str | None = Field(None, description="The figure or date, normalised ('$410M', '2024-03-14').")
    abstained: bool = Field(description="No retrieved sentence answers the question; `answer` says so.")
    phrased: bool = Field(description="`answer` is the LLM's wording of the quote, not the quote's own words.")
    citations: list[CitationOut]
    passages: list[PassageOut]
    stamp: StampOut
    timings: dict[str, float]

    @classmethod
    def of(cls, answer: Answer) -> AskResponse:
        return cls(
            question=answer.question,
            answer=answer.answer,
            kind=answer.kind,
            value=answer.value,
            abstained=answer.abstained,
            phrased=answer.phrased,
            citations=[CitationOut.of(c) for c in answer.citations],
            passages=[PassageOut.of(p) for p in answer.passages],
            stamp=StampOut.of(answer.stamp),
            timings=answer.timings,
        )


class SearchResponse(BaseModel):
    query: str
    index_version: str
    passages: list[PassageOut]


class ChangeResponse(BaseModel):
    collection: str
    added: list[str]
    updated: list[str]
    unchanged: list[str]
    deleted: list[str]
    duplicates: dict[str, str] = Field(
        description="Documents not stored because another document holds exactly the same text: "
        "{doc_id: the stored doc_id}.")
    chunks: int

    @classmethod
    def of(cls, collection: str, summary: ChangeSummary) -> ChangeResponse:
        return cls(collection=collection, added=list(summary.added), updated=list(summary.updated),
                   unchanged=list(summary.unchanged), deleted=list(summary.deleted),
                   duplicates=dict(summary.duplicates), chunks=summary.chunks)


class DocumentOut(BaseModel):
    doc_id: str
    title: str | None
    url: str | None
    date: str | None
    source: str | None
    chars: int
    sha256: str


class DocumentTextOut(DocumentOut):
    text: str = Field(description="The stored text; citations' start:end index into it (Unicode code points).")


class DocumentListResponse(BaseModel):
    collection: str
    index_version: str
    documents: list[DocumentOut]


class HealthResponse(BaseModel):
    """Liveness only: no collection names or models (those are `/v1/info`, a read)."""

    status: str
    version: str


class InfoResponse(BaseModel):
    version: str
    judge_model: str
    embedding_model: str
    verifier: str | None = None
    collections: list[str]


class BatchCheckResponse(BaseModel):
    results: list[CheckResponse] = Field(description="One result per claim, in the order asked.")


class ReadyResponse(BaseModel):
    status: str = Field(description="ready, or not_ready (HTTP 503).")
    unreadable_collections: list[str] = Field(description="Collections whose index cannot be read.")
    detail: str | None = Field(None, description="Why the store cannot be reached, when it cannot.")


class ErrorResponse(BaseModel):
    """Every error the API returns: a stable code and what went wrong."""

    error: str = Field(description="A stable error code, e.g. invalid_request, collection_not_found, busy.")
    detail: object = Field(description="What went wrong: a message, or a list of problems with the request.")
