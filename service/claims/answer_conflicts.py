"""When a retrieved sentence is about something else than what a question asks (`service.claims.answers`): none of
the names asked about and another one, another model code ("H100" for "H200"), another ordinal ("first phase",
"phase one" for "second phase"), another quarter ("Q1" for "Q2", a quarter a figure is compared with aside), or a
figure said to be undisclosed; and the names a sentence gives that the question does not."""

from __future__ import annotations

import re

from service.claims.questions import Asked
from service.figures import content_words, extract_quantities, named_entities

_CODE = re.compile(r"\b[A-Z]{1,3}\d{2,4}[A-Z]?\b")  # model and product codes: H100, A100, MI300X, B200
_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|final|last)[\s-]+([a-z]+)")
_QUARTER_WORDS = ("first", "second", "third", "fourth")
_COMPARED_WITH = re.compile(r"\b(?:from|than|compared\s+(?:to|with)|versus|vs\.?|against)\b[^.;]{0,30}$", re.IGNORECASE)
_NTH = {"one": "first", "1": "first", "two": "second", "2": "second", "three": "third", "3": "third", "four": "fourth",
        "4": "fourth", "five": "fifth", "5": "fifth"}
_NUMBERED = re.compile(r"\b(phase|stage|tranche|hall|building|round)\s+(one|two|three|four|five|[1-5])\b")
_UNDISCLOSED = re.compile(r"\b(?:declined to (?:name|say|disclose|comment|identify)|did not (?:disclose|say|name|"
                          r"identify|specify)|(?:was|were|is|are) not disclosed|undisclosed|unnamed)\b", re.IGNORECASE)
_SPEAKER = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}"
_ATTRIBUTION = re.compile(rf",\s*(?:{_SPEAKER}\s+(?:said|says|told\s+\w+|added|wrote)|(?:said|says)\s+{_SPEAKER})"
                          rf"(?=\s*[.,;]|\s*$)|\baccording to\s+[^,.;]+")
_LEADING_WORD = re.compile(r"^\s*[A-Z][\w'’-]*(?::\s+|\s+(?=[a-z]))")  # "Headcount ended …", a label: "Headcount: 146"


def new_names(asked: Asked, sentence: str) -> frozenset[str]:
    """The names the sentence gives that the question does not (a sentence-initial common word is no name)."""
    return named_entities(_LEADING_WORD.sub("", sentence)) - content_words(asked.question)


def conflicts(asked: Asked, sentence: str) -> bool:
    """The sentence is about something else: none of the names asked about and another one ("Stratus GPU" for
    "Altocloud"), another model code ("H100" for "H200"), another ordinal ("first phase" for "second
    phase"), or it says the answer was not disclosed."""
    question = asked.question
    if _UNDISCLOSED.search(sentence):
        return True
    # who / which asks for a name the question does not give: another name is the answer, not another subject
    if asked.names and not asked.wants_name and not asked.names & content_words(sentence) \
            and new_names(asked, _subject_matter(sentence)):
        return True
    asked_codes, codes = _codes(question), _codes(sentence)
    if asked_codes and codes and not asked_codes & codes:
        return True
    for ordinal, noun in _ORDINAL.findall(_ordinals(question)):
        said = {o for o, n in _ORDINAL.findall(_ordinals(sentence)) if n == noun}
        if said and ordinal not in said:
            return True
    asked_quarters, quarters = _quarters(question), _quarters(sentence)
    return bool(asked_quarters and quarters and not asked_quarters & quarters)  # "in Q2" against "across Q1"


def _subject_matter(sentence: str) -> str:
    """The sentence less what names no subject: its figures ("90 MW", "Q3 2026") and who said it ("…, Varghese
    said.", "according to a person briefed")."""
    for quantity in sorted(extract_quantities(sentence), key=lambda q: -q.start):
        sentence = f"{sentence[:quantity.start]} {sentence[quantity.end:]}"
    return _ATTRIBUTION.sub(" ", sentence)


def _ordinals(text: str) -> str:
    """Lower-cased, "phase one" written "first phase" so that the two read alike."""
    return _NUMBERED.sub(lambda m: f"{_NTH[m.group(2)]} {m.group(1)}", text.lower())


def _quarters(text: str) -> set[str]:
    """The quarters `text` names, as "1" to "4" ("Q2", "the second quarter")."""
    named = [(m.start(), m.group(1)) for m in re.finditer(r"\bq([1-4])\b", text, re.IGNORECASE)] + [
        (m.start(), str(_QUARTER_WORDS.index(m.group(1).lower()) + 1))
        for m in re.finditer(r"\b(first|second|third|fourth)[\s-]+quarter\b", text, re.IGNORECASE)]
    # not the quarter a figure is compared with ("up from $4.1 million in Q3")
    return {quarter for start, quarter in named if not _COMPARED_WITH.search(text[max(0, start - 40):start])}


def _codes(text: str) -> set[str]:
    """The model codes in `text`, upper-cased, plural s dropped ("A100s" → "A100")."""
    return set(_CODE.findall(re.sub(r"(\d)s\b", r"\1", text).upper()))
