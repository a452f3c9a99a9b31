"""Sentence-aware chunking that keeps character offsets into the stored document text.

Sentences come from pysbd (rule-based, handles "Dr.", "U.S.", "e.g." and decimals such as "$6.4B"); their
offsets are found by scanning the original text, so `text[start:end]` is always the sentence as written.
Chunks are runs of whole sentences up to `max_chars`, with `overlap` sentences shared between neighbours.
A sentence longer than `max_chars` becomes a chunk of its own (never cut mid-sentence).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

Span = tuple[int, int]


@dataclass(frozen=True)
class ChunkSpan:
    start: int
    end: int
    sentences: tuple[Span, ...]


@lru_cache(maxsize=1)
def _segmenter():  # type: ignore[no-untyped-def]
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Span]:
    """Sentence spans over `text`, stripped of surrounding whitespace, in order, never overlapping."""
    spans: list[Span] = []
    cursor = 0
    for block_start, block_end in _paragraphs(text):
        block = text[block_start:block_end]
        for sentence in _segmenter().segment(block):
            piece = sentence.strip()
            if not piece:
                continue
            found = text.find(piece, max(cursor, block_start), block_end)
            if found < 0:  # pysbd normalised something; such a sentence cannot be cited, so skip it
                continue
            spans.append((found, found + len(piece)))
            cursor = found + len(piece)
    return spans


def _paragraphs(text: str) -> list[Span]:
    """Blocks separated by blank lines: sentences never run across a paragraph or heading break."""
    blocks: list[Span] = []
    start = 0
    for part in text.split("\n\n"):
        end = start + len(part)
        if part.strip():
            blocks.append((start, end))
        start = end + 2
    return blocks


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
