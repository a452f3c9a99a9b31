"""Check a text (an article, a draft): split it into sentences with offsets, keep the checkable ones (and the
predictions: the check keeps their verdict only where the documents state them as plans), and let the pipeline
check each (compound sentences part by part). The rest are listed with the reason they were not checked. (A
sentence the splitter rewrites so that it cannot be found verbatim in the text — rare — is neither checked nor
listed, as it could not be quoted with offsets.)

Sentences come from the same splitter documents are indexed with (service/text.py), so offsets are into the
text as given: `text[start:end]` is the sentence as written.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.claims.checkworthiness import Reason, checkworthiness
from service.domain import Verdict
from service.text import split_sentences


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SkippedSentence:
    start: int
    end: int
    text: str
    reason: str  # "not a checkable statement (a question)", "over the limit of 40 claims per text", …


@dataclass(frozen=True)
class CheckedSentence:
    start: int
    end: int
    text: str
    verdict: Verdict


@dataclass(frozen=True)
class TextReport:
    claims: tuple[CheckedSentence, ...]
    skipped: tuple[SkippedSentence, ...]
    timings: dict[str, float]


def sentences_to_check(text: str, *, max_claims: int, max_chars: int,
                       screen: bool = True) -> tuple[list[Sentence], list[SkippedSentence]]:
    """The text's sentences to check, in order (at most `max_claims`), and those skipped, with why."""
    chosen: list[Sentence] = []
    skipped: list[SkippedSentence] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        worth = checkworthiness(sentence) if screen else None
        # a prediction goes to the check, which keeps a verdict only where the documents state it as a plan
        if worth is not None and not worth.checkable and worth.reason is not Reason.PREDICTION:
            skipped.append(SkippedSentence(start, end, sentence, worth.explanation))
        elif len(sentence) > max_chars:
            skipped.append(SkippedSentence(start, end, sentence,
                                           f"longer than the {max_chars}-character claim limit"))
        elif len(chosen) >= max_claims:
            skipped.append(SkippedSentence(start, end, sentence, f"over the limit of {max_claims} claims per text "
                                           "(VERICLAIM_CLAIMS__TEXT_MAX_CLAIMS)"))
        else:
            chosen.append(Sentence(start, end, sentence))
    return chosen, skipped
