"""The labelled data every adapter produces: gold labels, gold evidence spans, claims and datasets.

Frozen dataclasses and Enums, like the service core. A `GoldEvidence` span always indexes into the
text of a document in the same `Dataset` (`document.text[start:end] == quote`), except for native
claims loaded without a corpus, whose spans are `-1:-1`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from service.domain import Document, Label


class GoldLabel(StrEnum):
    """A dataset's verdict: the service's three labels plus CONFLICTING (half-true, disputed)."""

    SUPPORTED = "SUPPORTED"
    REFUTED = "REFUTED"
    NOT_ENOUGH_INFO = "NOT_ENOUGH_INFO"
    CONFLICTING = "CONFLICTING"

    @classmethod
    def parse(cls, text: str) -> GoldLabel:
        """Accept `CONFLICTING`/`DISPUTED` and every spelling `Label.parse` knows; ValueError otherwise."""
        if text.strip().upper() in {"CONFLICTING", "DISPUTED"}:
            return cls.CONFLICTING
        return cls(Label.parse(text).value)

    def as_label(self) -> Label | None:
        """The service label this gold label scores against; None for CONFLICTING."""
        return None if self is GoldLabel.CONFLICTING else Label(self.value)


class Conflicting(StrEnum):
    """What to do with claims whose gold label is CONFLICTING."""

    DROP = "drop"
    CLASS = "class"


class OnError(StrEnum):
    """What to do with a malformed row: stop with `DatasetFormatError`, or skip it and record why."""

    STOP = "stop"
    SKIP = "skip"


@dataclass(frozen=True)
class GoldEvidence:
    """A span the annotators marked as evidence: `quote == document.text[start:end]`."""

    doc_id: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class LabelledClaim:
    """A claim with its gold label, the spans annotators marked as evidence, and free-form tags.

    `source` names the documents the claim is about when the set says which (FinDVer: every paragraph of the
    report it names); empty when it does not."""

    id: str
    claim: str
    label: GoldLabel
    evidence: tuple[GoldEvidence, ...] = ()
    tags: tuple[str, ...] = ()
    date: str | None = None
    source: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Dataset:
    """Labelled claims plus the corpus to index for retrieval.

    `binary` is True when the set has no NOT_ENOUGH_INFO class to score; `skipped` holds one message
    per row that was left out (malformed rows under `OnError.SKIP`, claims whose source is missing).
    """

    name: str
    claims: list[LabelledClaim]
    documents: list[Document]
    binary: bool
    label_note: str
    skipped: tuple[str, ...] = ()
