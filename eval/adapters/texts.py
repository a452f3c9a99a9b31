"""Building corpus documents and exact gold spans from the pieces datasets ship.

Sentence lists (abstracts, web pages, evidence sentences) are joined with `SENTENCE_SEPARATOR`, a single
space, and each sentence's `start:end` in the joined text is kept so `text[start:end] == sentence`.
Documents without a natural id get `text_id(prefix, text)`, a content hash: stable across runs and
identical texts collapse into one document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from eval.adapters.gold import GoldEvidence
from eval.adapters.reading import RowError
from service.domain import Document

SENTENCE_SEPARATOR = " "


@dataclass(frozen=True)
class JoinedText:
    """Sentences joined into one text, with each sentence's span in it."""

    text: str
    spans: tuple[tuple[int, int], ...]

    def evidence(self, doc_id: str, index: int) -> GoldEvidence | None:
        """Gold evidence for sentence `index`; None when the sentence is blank."""
        if not 0 <= index < len(self.spans):
            raise RowError(f"sentence index {index} out of range for document {doc_id!r}")
        start, end = self.spans[index]
        quote = self.text[start:end]
        return GoldEvidence(doc_id, start, end, quote) if quote.strip() else None


def join_sentences(sentences: Sequence[str]) -> JoinedText:
    spans = []
    position = 0
    for sentence in sentences:
        spans.append((position, position + len(sentence)))
        position += len(sentence) + len(SENTENCE_SEPARATOR)
    return JoinedText(SENTENCE_SEPARATOR.join(sentences), tuple(spans))


@dataclass(frozen=True)
class SentenceDocument:
    """A corpus document built from sentences, with the spans to cite them by index."""

    document: Document
    joined: JoinedText

    def evidence(self, indices: Sequence[int]) -> tuple[GoldEvidence, ...]:
        return sentence_evidence(self.joined, self.document.doc_id, indices)


def sentence_document(doc_id: str, sentences: Sequence[str], *, title: str | None = None,
                      url: str | None = None, source: str | None = None) -> SentenceDocument:
    joined = join_sentences(sentences)
    return SentenceDocument(Document(doc_id, joined.text, title=title, url=url, source=source), joined)


def sentence_evidence(joined: JoinedText, doc_id: str, indices: Sequence[int]) -> tuple[GoldEvidence, ...]:
    """Gold evidence for the given sentence indices, in order, without repeats or blanks."""
    found = (joined.evidence(doc_id, index) for index in dict.fromkeys(indices))
    return tuple(evidence for evidence in found if evidence is not None)


def whole_document(document: Document) -> GoldEvidence:
    """The whole document as one gold span (tables, report paragraphs, evidence passages)."""
    return GoldEvidence(document.doc_id, 0, len(document.text), document.text)


def text_id(prefix: str, text: str) -> str:
    """A stable id from content: `prefix:` plus 12 hex digits of the text's SHA-1."""
    return f"{prefix}:{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


def require_text_list(value: object, what: str) -> list[str]:
    """A list of strings, or RowError."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RowError(f"{what} must be a list of strings")
    return value


class DocumentPool:
    """Documents keyed by id, first one wins; keeps insertion order."""

    def __init__(self) -> None:
        self._documents: dict[str, Document] = {}

    def add(self, document: Document) -> Document:
        return self._documents.setdefault(document.doc_id, document)

    def get(self, doc_id: str) -> Document | None:
        return self._documents.get(doc_id)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._documents

    def documents(self) -> list[Document]:
        return list(self._documents.values())
