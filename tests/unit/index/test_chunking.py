"""Sentence spans and chunks keep exact offsets into the document text."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunking import chunk_text
from service.text import split_sentences

pytestmark = pytest.mark.unit

REPORT = (
    "Dr. Smith moved to the U.S. in 2010. Revenue was $6.4B last year, e.g. from cloud sales. "
    "It grew 12.5% since then!\n\n"
    "## Outlook\n\n"
    "   Is growth slowing? Analysts at Acme Inc. think so."
)
EXPECTED_SENTENCES = [
    "Dr. Smith moved to the U.S. in 2010.",
    "Revenue was $6.4B last year, e.g. from cloud sales.",
    "It grew 12.5% since then!",
    "## Outlook",
    "Is growth slowing?",
    "Analysts at Acme Inc. think so.",
]


def sentences_of(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


def numbered_text(count: int) -> str:
    return " ".join(f"Sentence number {i} is about topic {i}." for i in range(count))


# ---- sentences -------------------------------------------------------------------------------------------

def test_sentence_spans_are_the_sentences_as_written() -> None:
    assert sentences_of(REPORT) == EXPECTED_SENTENCES


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("Dr. Jones met Mr. Brown today. They talked.", "Dr. Jones met Mr. Brown today."),
        ("The U.S. economy grew fast. Prices rose.", "The U.S. economy grew fast."),
        ("Acme earned $6.4B in 2023. Costs fell.", "Acme earned $6.4B in 2023."),
        ("Rates hit 3.25% in May. Then they fell.", "Rates hit 3.25% in May."),
    ],
    ids=["titles", "initialism", "money-decimal", "percent-decimal"],
)
def test_abbreviations_and_decimals_do_not_split(text: str, whole: str) -> None:
    assert sentences_of(text)[0] == whole
    assert len(sentences_of(text)) == 2


def test_sentences_never_cross_a_blank_line() -> None:
    text = "A heading without a full stop\n\nThe body starts here. It ends here."
    assert sentences_of(text) == ["A heading without a full stop", "The body starts here.", "It ends here."]


def test_windows_line_endings_keep_exact_offsets() -> None:
    text = "Title line\r\n\r\nFirst sentence here. Second one.\r\n"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Title line", "First sentence here.", "Second one."]


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


# ---- chunks ----------------------------------------------------------------------------------------------

def test_chunks_respect_max_chars() -> None:
    text = numbered_text(30)
    chunks = chunk_text(text, max_chars=120, overlap=1)

    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.end - chunk.start <= 120
        assert (chunk.start, chunk.end) == (chunk.sentences[0][0], chunk.sentences[-1][1])


def test_a_long_sentence_is_a_chunk_of_its_own_and_never_cut() -> None:
    long_sentence = "This sentence " + "goes on and on " * 20 + "until it stops."
    text = f"Short one. {long_sentence} Short two."
    chunks = chunk_text(text, max_chars=100, overlap=0)

    texts = [text[c.start:c.end] for c in chunks]
    assert long_sentence in texts
    assert texts == ["Short one.", long_sentence, "Short two."]


@pytest.mark.parametrize("overlap", [0, 1, 2])
def test_neighbouring_chunks_share_overlap_sentences(overlap: int) -> None:
    chunks = chunk_text(numbered_text(20), max_chars=150, overlap=overlap)

    assert len(chunks) > 3
    for left, right in itertools.pairwise(chunks):
        shared = set(left.sentences) & set(right.sentences)
        assert len(shared) == overlap
        if overlap:
            assert right.sentences[:overlap] == left.sentences[-overlap:]


@pytest.mark.parametrize(("max_chars", "overlap"), [(50, 0), (120, 1), (300, 3), (10_000, 1)])
def test_chunks_cover_every_sentence_in_order(max_chars: int, overlap: int) -> None:
    text = REPORT + "\n\n" + numbered_text(12)
    sentences = split_sentences(text)
    chunks = chunk_text(text, max_chars=max_chars, overlap=overlap)

    covered = [span for chunk in chunks for span in chunk.sentences]
    assert list(dict.fromkeys(covered)) == sentences
    assert [c.start for c in chunks] == sorted({c.start for c in chunks})  # strictly increasing


def test_one_chunk_when_everything_fits() -> None:
    chunks = chunk_text(REPORT, max_chars=10_000, overlap=1)
    assert len(chunks) == 1
    assert REPORT[chunks[0].start:chunks[0].end] == REPORT.strip()


def test_no_chunks_for_empty_text() -> None:
    assert chunk_text("   ") == []


# ---- properties ------------------------------------------------------------------------------------------

PROSE = st.text(alphabet=st.sampled_from(list("abcXYZ .,!?$%\n\t\r01-'\"é")), max_size=300)
ANY_TEXT = st.text(max_size=200)


def assert_valid_spans(text: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert start >= previous_end
        assert text[start:end] == text[start:end].strip()
        previous_end = end


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(PROSE, ANY_TEXT))
def test_sentence_spans_are_in_bounds_ordered_and_stripped(text: str) -> None:
    assert_valid_spans(text, split_sentences(text))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROSE, st.integers(min_value=1, max_value=200), st.integers(min_value=0, max_value=3))
def test_chunks_are_runs_of_units(text: str, max_chars: int, overlap: int) -> None:
    from index.structure import Outline

    sentences = Outline.of(text).spans()  # sentences, headings, list items and table rows (index/structure.py)
    chunks = chunk_text(text, max_chars=max_chars, overlap=overlap)

    assert list(dict.fromkeys(span for c in chunks for span in c.sentences)) == sentences
    for chunk in chunks:
        assert_valid_spans(text, list(chunk.sentences))
        assert (chunk.start, chunk.end) == (chunk.sentences[0][0], chunk.sentences[-1][1])
        assert chunk.end - chunk.start <= max_chars or len(chunk.sentences) == 1
