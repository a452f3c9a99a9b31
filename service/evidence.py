"""What a check or a question starts from: the query, its validation, and the evidence passages found for it
(retrieval through the `Retriever` and `Collections` seams, then the verifier's reranking when configured). What
the finder is handed, `FinderConfig`, service/bootstrap.py makes from the settings."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from service.domain import Passage
from service.errors import ClaimTooLongError, EmptyClaimError, TextTooLongError
from service.instruction_guard import instructs_the_checker
from service.ports import Collections, CollectionView, PassageVerifier, Retriever

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class FinderConfig:
    """The longest claim, question or query; the passages a query gets when it names no `top_k`; the evidence
    floor (a passage whose dense similarity is below `min_score` is not evidence)."""

    max_claim_chars: int
    top_k: int
    min_score: float


class EvidenceFinder:
    """Validation and retrieval, shared by `check`, `ask` and `search` (no judge needed)."""

    def __init__(self, config: FinderConfig, library: Collections, retriever: Retriever) -> None:
        self.config = config
        self.library = library  # the collections: their snapshots and the embedding model
        self.retriever = retriever

    def validate(self, text: str, what: str = "claim") -> str:
        return validate_text(text, self.config.max_claim_chars, what)

    def search(self, query: Query) -> tuple[list[Passage], CollectionView]:
        text = self.validate(query.text, "query")
        k = query.top_k or self.config.top_k
        return self.retriever.search(query.collection, text, k, doc_ids=query.doc_ids, since=query.since,
                                     until=query.until)

    def evidence(self, query: Query, also: str | None = None) -> tuple[list[Passage], CollectionView]:
        """Retrieved passages that are related enough to count as evidence; a passage that tells the checker
        what to decide is none (`service.instruction_guard`), and is logged. `also`: the query in other words,
        searched too; the passages only it finds follow the query's own."""
        passages, snapshot = self.search(query)
        if also is not None and also.strip() != query.text.strip():  # `also` only adds words to a valid query
            k = query.top_k or self.config.top_k
            more, later = self.retriever.search(query.collection, also, k, doc_ids=query.doc_ids,
                                                since=query.since, until=query.until)
            found = {(p.doc_id, p.start, p.end) for p in passages}
            if later.version == snapshot.version:  # the same documents (an ingest may have committed between)
                passages += [p for p in more if (p.doc_id, p.start, p.end) not in found]
        floor = self.config.min_score
        related = [p for p in passages if p.scores.get("dense", p.score) >= floor]
        planted = [p for p in related if instructs_the_checker(p.text)]
        for p in planted:
            log.warning("left out of the evidence: %s [%d:%d] tells the checker what to decide", p.doc_id, p.start,
                        p.end)
        return [p for p in related if p not in planted], snapshot


def bearing(rows: np.ndarray) -> list[float]:
    """How much each passage bears on the text it was read against: 1 − P(NOT_ENOUGH_INFO) of the verifier's
    rows (`predict_pairs`, columns SUPPORTED, REFUTED, NOT_ENOUGH_INFO)."""
    return [1.0 - float(row[2]) for row in rows]


def rerank(verifier: PassageVerifier, claim: str, candidates: Sequence[Passage], k: int,
           weight: float) -> tuple[list[Passage], np.ndarray | None]:
    """The k candidates that bear most on the claim: the verifier's 1 − P(NOT_ENOUGH_INFO) for each, plus
    `weight` × its retrieval score over the best candidate's. Order among the chosen follows that score.
    Second: the verifier's rows for the chosen (for `assess`), or None when there were only k to begin with."""
    if len(candidates) <= k:
        return list(candidates), None
    rows = verifier.predict_pairs([p.as_read.strip() for p in candidates], [claim] * len(candidates))
    best = max((p.score for p in candidates), default=0.0) or 1.0
    scored = [bears + weight * passage.score / best for bears, passage in zip(bearing(rows), candidates,
                                                                               strict=True)]
    order = sorted(range(len(candidates)), key=lambda i: -scored[i])[:k]
    return [candidates[i] for i in order], rows[order]
