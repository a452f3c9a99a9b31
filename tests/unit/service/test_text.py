"""The offset-exact sentence splitter on paragraphs far longer than pysbd should read at once."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import service.text
from service.text import split_sentences

pytestmark = pytest.mark.unit

SENTENCES = ["Acme reported revenue of $6.4 billion in 2023.", "Dr. Smith said margins rose 2.5 points.",
             "The U.S. unit grew fastest!", "Was it enough?"]


def test_a_long_paragraph_is_read_in_bounded_windows_and_split_as_a_short_one(monkeypatch: pytest.MonkeyPatch) -> None:
    text = " ".join(SENTENCES * 1_500)  # ~200k characters, no blank line
    segmenter = service.text._segmenter()
    longest = 0

    def segment(block: str) -> Any:
        nonlocal longest
        longest = max(longest, len(block))
        return type(segmenter).segment(segmenter, block)

    monkeypatch.setattr(segmenter, "segment", segment)
    spans = split_sentences(text)

    assert 0 < longest <= service.text._WINDOW
    assert [text[start:end] for start, end in spans] == SENTENCES * 1_500
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_a_paragraph_with_no_sentence_break_is_cut_at_the_window_and_keeps_every_character() -> None:
    text = "x" * (3 * service.text._WINDOW + 17)

    spans = split_sentences(text)

    assert "".join(text[start:end] for start, end in spans) == text
    assert max(end - start for start, end in spans) <= service.text._WINDOW
