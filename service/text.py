"""Sentences and negation: the text primitives shared by the chunker (index/chunking.py), claim reading
(service/claims/), the figures engine (service/figures/) and the verifier's features.

Two sentence splitters, for two jobs: `split_sentences` gives exact character spans over a stored text
(pysbd: rule-based, handles "Dr.", "U.S.", "e.g." and decimals such as "$6.4B"; offsets found by scanning
the original text, so `text[start:end]` is always the sentence as written) and is what is indexed and cited;
`SENTENCE_BREAK` is a cheap regex for the sentence (or table row) around a position inside one passage, where
no citation depends on it. Two negation patterns, also for two jobs: `NEGATION` says a sentence states that
something did not happen (the figures engine then does not read its figures or dates as the event's), and
`NEGATION_CUES` is the wider set of negative words the trained feature verifier counts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

Span = tuple[int, int]
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[$€£])|\n")
NEGATION = re.compile(r"\b(?:not|never|no longer|neither|nor|cannot)\b|n't\b", re.IGNORECASE)
# a sentence saying something was not made known ("did not disclose how long the run lasted", "did not say at
# what price"): it tells that the documents are silent, so it can refute nothing
NOT_DISCLOSED = re.compile(
    r"\b(?:did not|didn't|does not|doesn't|would not|wouldn't|will not|won't|has not|hasn't|have not|haven't|"
    r"declined to|refused to)\s+(?:yet\s+)?(?:publicly\s+)?(?:disclose|say|reveal|specify|comment|give "
    r"details|provide details|break out|detail)\b|\b(?:was|were|is|are|has not been|have not been)\s+not\s+"
    r"(?:disclosed|revealed|made public)\b|\bundisclosed\b",
    re.IGNORECASE,
)
NEGATION_CUES = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|unable|lack(?:s|ed|ing)?|absen(?:t|ce)"
    r"|fail(?:s|ed|ing|ure)?|no longer|refute[sd]?|den(?:y|ies|ied)|false|untrue)\b|n't\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Span]:
    """Sentence spans over `text`, stripped of surrounding whitespace, in order, never overlapping."""
    return [span for block in _paragraphs(text) for span in _split_block(text, *block)]


_WINDOW = 4_000  # characters pysbd reads at once: its time grows faster than the text (100k took 11 s)


def _split_block(text: str, start: int, end: int) -> list[Span]:
    """One paragraph's sentences, read at most `_WINDOW` characters at a time so the time stays linear in
    the paragraph's length: of each window all sentences but the last are kept, and the next window starts
    where the last kept one ended (the last one may run on past the window). A single sentence longer than
    the window is cut at it."""
    spans: list[Span] = []
    while start < end:
        limit = min(end, start + _WINDOW)
        found = _segmented(text, start, limit)
        if limit < end and len(found) > 1:
            found.pop()
            spans.extend(found)
            start = found[-1][1]
        else:
            spans.extend(found)
            start = limit
    return spans


def _segmented(text: str, start: int, end: int) -> list[Span]:
    """pysbd's sentences of `text[start:end]`, located in the text as written."""
    spans: list[Span] = []
    cursor = start
    for sentence in _segmenter().segment(text[start:end]):
        piece = sentence.strip()
        if not piece:
            continue
        found = text.find(piece, cursor, end)
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




def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """Start and end of the sentence (or table row) holding `position` (`SENTENCE_BREAK`)."""
    start = 0
    for match in SENTENCE_BREAK.finditer(text, 0, position):
        start = match.end()
    after = SENTENCE_BREAK.search(text, position)
    return start, after.start() if after else len(text)


def significant_digits(text: str) -> int:
    """The significant digits of the first figure written in `text`, trailing zeros not counted ("$29,922,668": 8,
    "2,000": 1, "6.40": 2): a figure written to the unit is stated, not rounded."""
    found = _DIGITS.search(text)
    return len(found.group().replace(",", "").replace(".", "").strip("0")) if found else 0


_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
# words that name a stretch of time, not a measure: a table's "Years Ended December 31," label column
TIME_WORDS = re.compile(r"\b(?:years?|months?|weeks?|quarters?|periods?|ended|ending|fiscal|dates?)\b", re.IGNORECASE)
