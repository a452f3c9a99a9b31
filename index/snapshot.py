"""A loaded generation in memory: documents, chunks with sentence spans, vectors and BM25 indexes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from index.ann import AnnParams, build_faiss_index
from index.structure import Outline
from service.domain import Citation, Document, Passage
from service.text import Span

# a figure as written ("6.4", "200,000"), a percentage marked as one ("52.8 %", "52.8 | %" of a filing's table,
# "52.8 percent" → "52.8%"; not "| 2023 | % Change |"), so that "52.8%" is not found in "$52.8 million"; digits that
# are part of a name ("CO2", "COVID-19", "H100") are no figure, but a fiscal year's are ("FY2023")
NUMBER = re.compile(r"(?:(?<=FY)|(?<![\w.,]))(?<![A-Za-z]-)(\d+(?:[.,]\d+)*)"
                    r"(\s*%|\s*\|\s*%(?=\s*(?:\||$))|\s?per\s?cent\b)?", re.IGNORECASE | re.MULTILINE)


def written_figures(text: str) -> frozenset[str]:
    """The figures written in `text` as `NUMBER` reads them: "In 2023 revenue rose 4.5 percent" → {"2023", "4.5%"}."""
    return frozenset(number + ("%" if percent else "") for number, percent in NUMBER.findall(text))


@dataclass(frozen=True)
class StoredChunk:
    doc_id: str
    start: int
    end: int
    sentences: tuple[Span, ...]



@dataclass(frozen=True)
class SentenceTable:
    """The distinct sentences of a snapshot in chunk order, and which rows each chunk holds."""

    doc_ids: tuple[str, ...]
    spans: tuple[Span, ...]
    of_chunk: tuple[tuple[int, ...], ...]
    of_document: dict[str, tuple[int, ...]]
    chunks_of: tuple[tuple[int, ...], ...]  # the chunks each sentence row belongs to (overlap: more than one)

    @classmethod
    def of(cls, chunks: Sequence[StoredChunk]) -> SentenceTable:
        rows: dict[tuple[str, int, int], int] = {}
        of_chunk = []
        for chunk in chunks:
            of_chunk.append(tuple(rows.setdefault((chunk.doc_id, s, e), len(rows)) for s, e in chunk.sentences))
        of_document: dict[str, list[int]] = {}
        for (doc_id, _, _), row in rows.items():
            of_document.setdefault(doc_id, []).append(row)
        chunks_of: list[list[int]] = [[] for _ in rows]
        for chunk_index, chunk_rows in enumerate(of_chunk):
            for row in chunk_rows:
                chunks_of[row].append(chunk_index)
        return cls(
            chunks_of=tuple(tuple(c) for c in chunks_of),
            doc_ids=tuple(doc_id for doc_id, _, _ in rows),
            spans=tuple((s, e) for _, s, e in rows),
            of_chunk=tuple(of_chunk),
            of_document={doc_id: tuple(r) for doc_id, r in of_document.items()},
        )

    def __len__(self) -> int:
        return len(self.spans)

    @cached_property
    def chunk_index(self) -> np.ndarray:
        """`chunks_of` as an int array (rows, most chunks of one row), padded with -1: for vectorised maxima."""
        width = max((len(c) for c in self.chunks_of), default=1)
        index = np.full((len(self.chunks_of), width), -1, dtype=np.int64)
        for row, chunks in enumerate(self.chunks_of):
            index[row, :len(chunks)] = chunks
        return index



@dataclass
class Snapshot:
    """One loaded generation. Chunk `i` ↔ row `i` of `vectors` ↔ BM25 document `i`; sentence `j` of
    `sentences` ↔ row `j` of `sentence_vectors` ↔ document `j` of `sentence_bm25`."""

    version: str
    embedding_model: str
    dimension: int
    chunking: dict[str, int]
    documents: dict[str, Document]
    chunks: list[StoredChunk]
    vectors: np.ndarray
    sentence_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    bm25: object | None = None
    sentence_bm25: object | None = None
    ann: AnnParams = field(default_factory=AnnParams, repr=False)
    _faiss: object | None = field(default=None, repr=False)
    _sentence_faiss: object | None = field(default=None, repr=False)
    _sentences: SentenceTable | None = field(default=None, repr=False)
    _numbers: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _outlines: dict[str, Outline] = field(default_factory=dict, repr=False)

    @property
    def sentences(self) -> SentenceTable:
        if self._sentences is None:
            self._sentences = SentenceTable.of(self.chunks)
        return self._sentences

    def sentence_text(self, row: int) -> str:
        start, end = self.sentences.spans[row]
        return self.documents[self.sentences.doc_ids[row]].text[start:end]

    def sentence_reading(self, row: int) -> str:
        """Sentence `row` as models read it (`index.structure.Outline.reading`): with its context, or a table
        row as a fact; each document's outline is read once per snapshot, when first needed."""
        doc_id = self.sentences.doc_ids[row]
        outline = self._outlines.get(doc_id)
        if outline is None:
            outline = self._outlines[doc_id] = Outline.of(self.documents[doc_id].text)
        return outline.reading(*self.sentences.spans[row])

    def sentence_numbers(self, row: int) -> frozenset[str]:
        """The figures written in sentence `row` (`written_figures`), read once per snapshot, not once per query."""
        found = self._numbers.get(row)
        if found is None:
            found = self._numbers[row] = written_figures(self.sentence_text(row))
        return found

    def cite(self, passage: Passage) -> Citation | None:
        """A citation only if the passage text is exactly the stored document text at its offsets."""
        document = self.documents.get(passage.doc_id)
        if document is None or document.text[passage.start:passage.end] != passage.text:
            return None
        return Citation(passage.doc_id, passage.start, passage.end, passage.text)

    def chunk_text(self, index: int) -> str:
        chunk = self.chunks[index]
        return self.documents[chunk.doc_id].text[chunk.start:chunk.end]

    @property
    def faiss_index(self):  # type: ignore[no-untyped-def]
        """Exact or approximate by `ann` (see index/ann.py), built on first use."""
        if self._faiss is None:
            self._faiss = build_faiss_index(self.vectors.reshape(-1, self.dimension), self.ann)
        return self._faiss

    @property
    def sentence_faiss_index(self):  # type: ignore[no-untyped-def]
        """The same kind of index over the sentence rows."""
        if self._sentence_faiss is None:
            self._sentence_faiss = build_faiss_index(self.sentence_vectors.reshape(-1, self.dimension), self.ann)
        return self._sentence_faiss


def chunk_vectors(sentence_vectors: np.ndarray, of_chunk: Sequence[Sequence[int]], dimension: int) -> np.ndarray:
    """Each chunk's vector: the L2-normalised mean of its sentences' vectors."""
    out = np.zeros((len(of_chunk), dimension), dtype=np.float32)
    for i, rows in enumerate(of_chunk):
        if rows:
            mean = sentence_vectors[list(rows)].mean(axis=0)
            out[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return out

