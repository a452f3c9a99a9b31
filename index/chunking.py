"""Sentence-aware chunking that keeps character offsets into the stored document text.

Units come from the document's outline (`index.structure`): headings, table rows and list items on their own,
prose split by `service.text.split_sentences` (pysbd, with offsets into the text as written). Chunks are runs of
whole units up to `max_chars`, with `overlap` units shared between neighbours. A unit longer than `max_chars`
becomes a chunk of its own (never cut mid-sentence).
"""

from __future__ import annotations

from dataclasses import dataclass

from index.structure import Outline
from service.text import Span


@dataclass(frozen=True)
class ChunkSpan:
    start: int
    end: int
    sentences: tuple[Span, ...]


def chunk_text(text: str, max_chars: int = 700, overlap: int = 1, outline: Outline | None = None) -> list[ChunkSpan]:
    sentences = (outline or Outline.of(text)).spans()
    chunks: list[ChunkSpan] = []
    first = 0
    while first < len(sentences):
        last = first
        while last + 1 < len(sentences) and sentences[last + 1][1] - sentences[first][0] <= max_chars:
            last += 1
        group = tuple(sentences[first:last + 1])
        chunks.append(ChunkSpan(group[0][0], group[-1][1], group))
        if last + 1 >= len(sentences):
            break
        first = max(last + 1 - overlap, first + 1)
    return chunks
