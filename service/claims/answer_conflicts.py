"""When a retrieved sentence is about something else than what a question asks (`service.claims.answers`): none of
the names asked about and another one, another model code ("H100" for "H200"), another ordinal ("first phase",
"phase one" for "second phase"), another quarter ("Q1" for "Q2", a quarter a figure is compared with aside), or a
figure said to be undisclosed; and the names a sentence gives that the question does not."""

from __future__ import annotations

import re

from service.claims.questions import Asked, with_countries
from service.figures import content_words, extract_quantities, named_entities

_CODE = re.compile(r"\b[A-Z]{1,3}\d{2,4}[A-Z]?\b")  # model and product codes: H100, A100, MI300X, B200
_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|final|last)[\s-]+([a-z]+)")
_QUARTER_WORDS = ("first", "second", "third", "fourth")
_COMPARED_WITH = re.compile(r"\b(?:from|than|compared\s+(?:to|with)|versus|vs\.?|against)\b[^.;]{0,30}$", re.IGNORECASE)
_NTH = {"one": "first", "1": "first", "two": "second", "2": "second", "three": "third", "3": "third", "four": "fourth",
        "4": "fourth", "five": "fifth", "5": "fifth"}
_LAST_QUARTER = re.compile(r"\b(?:last|final)(?=\s+(?:fiscal\s+)?quarter\s+of\s+(?:fiscal\s+)?(?:19|20)\d\d)")
_NUMBERED = re.compile(r"\b(phase|stage|tranche|hall|building|round)\s+(one|two|three|four|five|[1-5])\b")
_UNDISCLOSED = re.compile(r"\b(?:declined to (?:name|say|disclose|comment|identify)|did not (?:disclose|say|name|"
                          r"identify|specify)|(?:was|were|is|are) not disclosed|undisclosed|unnamed|no (?:date|price|"
                          r"figure|amount|timetable) (?:has|had) (?:yet )?been (?:given|set|announced|disclosed)|"
                          r"(?:has|have) not yet been set)\b", re.IGNORECASE)
# "according to a person briefed on the terms": an unnamed source, no subject of the sentence
_UNNAMED_SOURCE = re.compile(r"\baccording to (?:a |an |one |two |three |several )?(?:person|people|source|sources|"
                            r"analyst|analysts)\b[^,.;]*", re.IGNORECASE)
_LETTERED = re.compile(r"\b(?:Series|Class|Tier|Phase|Stage|Hall|Building)\s+[A-Z0-9]\b")  # "Series B": a kind, no one
_LETTER_OF = re.compile(r"\b(Series|Class|Tier|Hall|Building)\s+([A-Z])\b", re.IGNORECASE)  # "series c" too
# what a figure is compared with: "up 47% from $601.8 million", "way less than the $2B", "compared with $5M"
_COMPARED_FIGURE = re.compile(r"(?:\b(?:up|down|rose|risen|fell|fallen|increas\w*|decreas\w*|grew|grown|declin\w*|"
                              r"dropp\w*|climb\w*)\s+(?:[^\s.;]+\s+){0,3}?from|\bthan|\bcompared\s+(?:to|with)|"
                              r"\bversus|\bvs\.?)\s+(?:the\s+|about\s+|roughly\s+|some\s+)?$", re.IGNORECASE)
_SEED = re.compile(r"\b(?:pre-)?seed (?:round|funding|financing)\b", re.IGNORECASE)
_LEADING_WORD = re.compile(r"^\s*[A-Z][\w'’-]*\s+(?=[a-z])")  # "Headcount ended …": a common noun, capitalised
_INSIDE = re.compile(r"(?<=[a-z,;] )[A-Z][\w'’-]+")
_LABEL = re.compile(r"^\s*([A-Z][\w'’-]*):\s+")  # "Headcount: 146", or a name: "Stratus: $40 million"
# who / which: the name asked for follows these ("led by Oster Ventures"); what precedes them is the subject
_ANSWER_FOLLOWS = re.compile(r"\b(?:by|from|with|to|led|according)\b", re.IGNORECASE)


def names_inside_sentences(text: str) -> frozenset[str]:
    """The words `text` writes capitalised after a lower-case word: names ("… rounds of Stratus"), not a line's
    label ("Headcount: 146")."""
    return content_words(" ".join(_INSIDE.findall(text)))


def new_names(asked: Asked, sentence: str, names: frozenset[str] | None = None) -> frozenset[str]:
    """The names the sentence gives that the question does not. A sentence-initial common word is no name, nor
    is a leading label (`Headcount: 146`) that is not among the document's `names` (`names_inside_sentences`)."""
    label = _LABEL.match(sentence)
    if label and names is not None and not content_words(label.group(1)) & names:
        sentence = sentence[label.end():]
    return named_entities(_LEADING_WORD.sub("", sentence)) - content_words(asked.question)


def conflicts(asked: Asked, sentence: str, names: frozenset[str] | None = None, context: str = "") -> bool:
    """The sentence is about something else: none of the names asked about, in it or in its `context` (the
    headings and date line it is read under; for "The company …", the lines before it), and another one
    ("Stratus GPU" for "Altocloud"), another model code ("H100" for "H200"), another ordinal ("first phase" for
    "second phase") or lettered kind ("Series D" for "Series C"), or it says the answer was not disclosed.
    `names`: its document's (`names_inside_sentences`)."""
    question = asked.question
    if _UNDISCLOSED.search(sentence):
        return True
    if context and _opens_with_other_name(asked, sentence, names):  # "Mistral AI raised …" under "Quorvel AI ›"
        context = ""
    if asked.names and not asked.names & with_countries(content_words(f"{context} {sentence}")) \
            and new_names(asked, _subject_matter(sentence, asked.wants_name), names):
        return True
    asked_codes, codes = _codes(question), _codes(sentence)
    if asked_codes and codes and not asked_codes & codes:
        return True
    asked_letters, letters = _lettered(question), _lettered(sentence)
    if any(letters.get(kind) and not letters[kind] & wanted for kind, wanted in asked_letters.items()):
        return True
    for ordinal, noun in _ORDINAL.findall(_ordinals(question)):
        said = {o for o, n in _ORDINAL.findall(_ordinals(sentence)) if n == noun}
        if said and ordinal not in said:
            return True
    asked_quarters, quarters = _quarters(question), _quarters(sentence)
    return bool(asked_quarters and quarters and not asked_quarters & quarters)  # "in Q2" against "across Q1"


def _subject_matter(sentence: str, wants_name: bool) -> str:
    """The sentence less what names no subject: its figures ("90 MW", "Q3 2026"), an unnamed source, a lettered
    kind ("Series B", "Hall A"), and for a
    who / which question the name it asks for ("…, led by Oster Ventures": what follows "by")."""
    for quantity in sorted(extract_quantities(sentence), key=lambda q: -q.start):
        sentence = f"{sentence[:quantity.start]} {sentence[quantity.end:]}"
    sentence = _LETTERED.sub(" ", _UNNAMED_SOURCE.sub(" ", sentence))
    answer = _ANSWER_FOLLOWS.search(sentence) if wants_name else None
    return sentence[:answer.start()] if answer else sentence


def _ordinals(text: str) -> str:
    """Lower-cased, "phase one" written "first phase" and a year's "last quarter" its "fourth quarter", so that the
    two read alike."""
    text = _LAST_QUARTER.sub("fourth", text.lower())
    return _NUMBERED.sub(lambda m: f"{_NTH[m.group(2)]} {m.group(1)}", text)


def _quarters(text: str) -> set[str]:
    """The quarters `text` names, as "1" to "4" ("Q2", "the second quarter")."""
    named = [(m.start(), m.group(1)) for m in re.finditer(r"\bq([1-4])\b", text, re.IGNORECASE)] + [
        (m.start(), str(_QUARTER_WORDS.index(m.group(1).lower()) + 1))
        for m in re.finditer(r"\b(first|second|third|fourth)[\s-]+quarter\b", text, re.IGNORECASE)]
    # not the quarter a figure is compared with ("up from $4.1 million in Q3")
    return {quarter for start, quarter in named if not compared_with(text, start)}


def compared_with(text: str, start: int) -> bool:
    """The figure at `start` is what another is compared with ("up 47% from $601.8 million", "less than the $2B"),
    not "sales from its new plant reached $200M"."""
    return bool(_COMPARED_FIGURE.search(text[max(0, start - 60):start]))


def _opens_with_other_name(asked: Asked, sentence: str, names: frozenset[str] | None) -> bool:
    """The sentence opens with a name the question does not ask about and its document writes as a name ("Mistral
    AI raised €600 million"): its subject is that one, whatever its headings say."""
    opening = re.match(r"\s*([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)", _LETTERED.sub(" ", sentence))
    words = content_words(opening.group(1)) if opening else frozenset()
    return bool((words & (names or frozenset())) - content_words(asked.question))


def _lettered(text: str) -> dict[str, set[str]]:
    """The lettered kinds `text` names, by kind ("Series C" → {"series": {"C"}}); a seed round is a round of
    the series too."""
    found: dict[str, set[str]] = {}
    for kind, letter in _LETTER_OF.findall(text):
        found.setdefault(kind.lower(), set()).add(letter.upper())
    if _SEED.search(text):
        found.setdefault("series", set()).add("SEED")
    return found


def _codes(text: str) -> set[str]:
    """The model codes in `text`, upper-cased, plural s dropped ("A100s" → "A100")."""
    return set(_CODE.findall(re.sub(r"(\d)s\b", r"\1", text).upper()))
