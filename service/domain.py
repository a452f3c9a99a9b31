"""Core value types: documents, passages, citations and verdicts.

Frozen dataclasses and Enums only; pydantic lives at the edges (HTTP bodies, settings, model output).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Label(StrEnum):
    """The three verdicts a claim check can return."""

    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_INFO = "NOT_ENOUGH_INFO"

    @classmethod
    def parse(cls, text: str) -> Label:
        """Accept the common spellings used by datasets and models (`supports`, `NEI`, `refute` …)."""
        key = text.strip().upper().replace(" ", "_").replace("-", "_")
        aliases = {
            "SUPPORTED": cls.SUPPORTED, "SUPPORTS": cls.SUPPORTED, "SUPPORT": cls.SUPPORTED,
            "TRUE": cls.SUPPORTED, "S": cls.SUPPORTED,
            "REFUTED": cls.REFUTED, "REFUTES": cls.REFUTED, "REFUTE": cls.REFUTED,
            "FALSE": cls.REFUTED, "CONTRADICT": cls.REFUTED, "R": cls.REFUTED,
            "NOT_ENOUGH_INFO": cls.NOT_ENOUGH_INFO, "NOTENOUGHINFO": cls.NOT_ENOUGH_INFO,
            "NEI": cls.NOT_ENOUGH_INFO, "NOT_ENOUGH_INFORMATION": cls.NOT_ENOUGH_INFO,
        }
        if key not in aliases:
            raise ValueError(f"unknown label {text!r}")
        return aliases[key]


@dataclass(frozen=True)
class Document:
    """One stored document. `text` is what offsets index into."""

    doc_id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    source: str | None = None  # file path or "jsonl"/"upload"

    @property
    def sha256(self) -> str:
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChangeSummary:
    """What a write did to a collection (decided by `service.ingest_plan`, the same for every store)."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()  # new text, or the same text with a new title, url or date
    unchanged: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()  # (skipped doc_id, the doc_id that holds the same text)
    chunks: int = 0  # retrieval units the collection holds after the write (files: chunks; PostgreSQL: sentences)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)


@dataclass(frozen=True)
class Passage:
    """A retrieved span with its retrieval scores (higher is better)."""

    doc_id: str
    start: int
    end: int
    text: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    title: str | None = None
    reading: str = ""  # what models read, when it is more than `text`: its context or a table row as a fact

    @property
    def as_read(self) -> str:
        """The passage as the verifier, the judge and the figures engine read it: `text` with its context
        ("[2025-03 · Timeline] Orison switches on …"), a table row as a fact, or `text` itself. Citations
        quote `text` (index/structure.py)."""
        return self.reading or self.text


@dataclass(frozen=True)
class Citation:
    """A quote that is exactly `document.text[start:end]`."""

    doc_id: str
    start: int
    end: int
    quote: str


class Relation(StrEnum):
    """How a claimed quantity relates to one found in the evidence."""

    CONSISTENT = "consistent"
    CONTRADICTS = "contradicts"
    NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class NumericComparison:
    claim_value: str
    evidence_value: str
    relation: Relation
    gap: str | None
    citation: Citation | None


@dataclass(frozen=True)
class Stamp:
    """What produced a verdict, so results can be reproduced and compared."""

    model_file: str
    model_sha256: str
    embedding_model: str
    index_version: str
    prompt_name: str
    prompt_sha256: str
    decider: str = "llm"  # who decides past the numeric step: "llm" or "verifier:<artifact name>"


@dataclass(frozen=True)
class Signals:
    """What each source said about a claim before they are combined into one verdict (service/calibration.py)."""

    retrieval_score: float  # the best evidence sentence's retrieval score
    retrieval_dense: float  # the best cosine of an evidence sentence to the claim
    evidence_count: int  # evidence sentences above the similarity floor
    verifier: dict[Label, float] | None = None  # the trained verifier's probabilities
    verifier_max_supported: float | None = None  # the highest P(SUPPORTED) of any one reading of the evidence
    verifier_max_refuted: float | None = None  # … and P(REFUTED) (a passage verifier's; else the claim's)
    numeric: Label | None = None  # the numeric engine's clear decision, if any
    numeric_agree: int = 0  # figure or date comparisons that agree (subject-aligned)
    numeric_conflict: int = 0  # … that contradict
    numeric_other_period: bool = False  # the claim's measure appears only for other periods (no conflict)
    numeric_consistent: bool = False  # every claim figure is borne out, though not closely enough to decide
    numeric_unmatched: bool = False  # a figure the claim states agrees with no figure in the evidence
    llm: dict[Label, float] | None = None  # the LLM judge's label probabilities, when it was asked


class Decider(StrEnum):
    """What settled a verdict."""

    NO_EVIDENCE = "no_evidence"
    NUMERIC = "numeric"
    CALIBRATED = "calibrated"  # the fitted combination of retrieval, verifier and numeric signals
    CALIBRATED_LLM = "calibrated+llm"  # … and the LLM judge's probabilities
    VERIFIER = "verifier"  # the verifier's raw probabilities (no calibration file)
    LLM = "llm"  # the LLM judge's raw probabilities
    PARTS = "parts"  # a compound claim: its parts' verdicts combined (service/claims/compound.py)
    NOT_CHECKABLE = "not_checkable"  # a question, prediction, opinion … (service/claims/checkworthiness.py)


@dataclass(frozen=True)
class Decision:
    """What decided a verdict, and its label, confidence and each label's probability
    (service/verdict_policy.py)."""

    label: Label
    confidence: float
    probabilities: dict[Label, float]
    decided_by: Decider

    @classmethod
    def by_rule(cls, label: Label, confidence: float, decided_by: Decider) -> Decision:
        """A rule's verdict: its label gets the rule's confidence, the other two labels share the rest."""
        rest = round((1.0 - confidence) / 2, 4)
        return cls(label, confidence, {lab: confidence if lab is label else rest for lab in tuple(Label)}, decided_by)


@dataclass(frozen=True)
class Verdict:
    claim: str
    label: Label
    confidence: float
    rationale: str
    citations: tuple[Citation, ...]
    stamp: Stamp
    timings: dict[str, float]
    numeric: tuple[NumericComparison, ...] = ()
    passages: tuple[Passage, ...] = ()
    signals: Signals | None = None
    decided_by: Decider | None = None
    probabilities: dict[Label, float] = field(default_factory=dict)  # each label's, from whatever decided
    reason: str | None = None  # why no finding was made: "not a checkable statement (a prediction)"
    parts: tuple[PartVerdict, ...] = ()  # a compound claim's atomic parts, each with its own verdict


@dataclass(frozen=True)
class PartVerdict:
    """One atomic part of a compound claim: `text` is what was checked (its subject carried over, pronouns
    resolved); `start:end` the claim's own words it comes from."""

    text: str
    start: int
    end: int
    verdict: Verdict


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str  # the figure or date as written, the answering sentence, the LLM's phrasing, or NO_ANSWER
    citations: tuple[Citation, ...]
    stamp: Stamp
    timings: dict[str, float]
    passages: tuple[Passage, ...] = ()
    kind: str = "text"  # what was asked for: amount, count, date, duration or text (service/claims/questions.py)
    value: str | None = None  # the figure or date normalised ("$410M", "2024-03-14"), for amount/count/date
    abstained: bool = False  # no retrieved sentence answers the question
    phrased: bool = False  # the answer is the LLM's wording of the quote (asked for, and checked)
