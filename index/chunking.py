"""Sentence-aware chunking that keeps character offsets into the stored document text.

Sentences come from `service.text.split_sentences` (pysbd, with offsets into the text as written), the same
splitter claim reading uses on a text to check. Chunks are runs of whole sentences up to `max_chars`, with
`overlap` sentences shared between neighbours. A sentence longer than `max_chars` becomes a chunk of its own
(never cut mid-sentence).
"""

from __future__ import annotations

from dataclasses import dataclass

from service.text import Span, split_sentences


@dataclass(frozen=True)
class ChunkSpan:
    start: int
    end: int
    sentences: tuple[Span, ...]


def chunk_text(text: str, max_chars: int = 700, overlap: int = 1) -> list[ChunkSpan]:
    sentences = split_sentences(text)
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
