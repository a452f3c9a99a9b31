"""Bind each figure to the phrase it is about, so "€166 for Claude Teams and €238 for OpenAI Pro" keeps
€166 with Claude Teams.

A figure's words are the ones between it and its neighbours within the sentence: on the left back to the
last clause break, on the right up to the next one. The right phrase wins when it is attached
("€166 for Claude Teams", "$500M GPU spend"); otherwise the left phrase ("OpenAI Pro costs €166") is the
subject. Matching uses content words of both sides, lightly stemmed.
"""

from __future__ import annotations

import re

from service.figures.number_words import SMALL_NUMBERS, TENS
from service.text import sentence_bounds

STOPWORDS = frozenset(
    """
    a an the of for on in at by to from with and or but as is are was were be been being has have
    had it its this that these those their his her our your my they he she we you i which who whom
    whose what when where while than then there here not no nor so such very just only also about
    around roughly approximately over under more less most least nearly almost some any each per up
    down into out off above below between among within through during since until till after before
    again further once much many few fewer other another same both all do does did done will would
    shall should can could may might must says said say according reportedly reported estimated
    estimate total totaling totalling million millions billion billions thousand thousands trillion
    hundred percent per cent dollars dollar euros euro pounds us usd eur gbp mn bn m b k year years
    month months week weeks day days quarter quarters annually monthly fiscal fy approx well
    exceeding excess upwards least most cost costs
    """.split()  # noqa: SIM905 — a word list reads better as prose
)
_LETTER = "A-Za-zÀ-ÖØ-öø-ɏ"  # Latin letters with their accents: "Årdal", "Tromsø" whole, not "rdal", "trom"
_WORD = re.compile(rf"[{_LETTER}][{_LETTER}0-9'’&-]*|(?<![0-9])[0-9]+[{_LETTER}]+[{_LETTER}0-9]*")
_LEFT_BREAK = re.compile(
    r"[,;:()\[\]]|\b(?:and|but|while|whereas|compared|versus|vs|than|including|excluding|of which"
    r"|respectively)\b",
    re.IGNORECASE,
)
_ASIDE = frozenset({"including", "excluding", "of which"})  # opens an aside: "X, including Y, is $5B"
_CONTRAST = frozenset({"and", "but", "while", "whereas", "compared", "versus", "vs", "than", "respectively"})
_RIGHT_BREAK = re.compile(
    r"[,;:()\[\]|]|\b\d|\b(?:and|but|while|whereas|compared|versus|vs|than|which|that|by|since|during|as of"
    r"|jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august"
    r"|september|october|november|december|last|this|next)\b",
    re.IGNORECASE,
)
_LEADING_NOISE = re.compile(
    r"^\s*(?:(?:in|for|during|by|as of|since)\s+(?:(?:fiscal|fy|the)\s*)*(?:q[1-4]\s*)?'?\d{2,4}\b"
    r"|(?:a|an|per|each)\s+(?:hour|day|week|month|year|quarter)\b|per\s+[A-Za-z][\w-]*|[|$€£\s])*",
    re.IGNORECASE,
)
_NUMBERS = frozenset({*SMALL_NUMBERS, *TENS, "hundred", "dozen", "half"})
_NAME_TOKEN = re.compile(rf"[{_LETTER}][{_LETTER}0-9'’&-]*")
_MONTHS = """january february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday"""
_NOT_NAMES = STOPWORDS | frozenset(
    f"""{_MONTHS} however meanwhile moreover separately overall still yet instead although though because
    if unless whether despite last next earlier later today yesterday mr mrs ms dr first second third fourth
    fifth""".split()
) | _NUMBERS
_ATTACHING = frozenset({"for", "of", "on", "in", "to", "at"})
_MAX_WORDS = 8


def bind_subjects(text: str, spans: list[tuple[int, int]]) -> list[str | None]:
    """The subject phrase of each figure at `spans` (sorted, non-overlapping), or None if none is found."""
    return [_pick_subject(left, right) for left, right in _phrases(text, spans)]


def bound_contexts(text: str, spans: list[tuple[int, int]]) -> list[frozenset[str]]:
    """Content words of each figure's left and right phrases, for matching a claim against evidence."""
    return [content_words(f"{left} {right}") for left, right in _phrases(text, spans)]


def listed_together(text: str, spans: list[tuple[int, int]], contexts: list[frozenset[str]]) -> list[frozenset[str]]:
    """`contexts` with a figure that has no words of its own, listed right after another figure ("a cash balance
    of $205,718 and $35,756, respectively"), given that figure's words."""
    out = list(contexts)
    for i in range(1, len(spans)):
        if not out[i] and LIST_GAP.fullmatch(text, spans[i - 1][1], spans[i][0]):
            out[i] = out[i - 1]
    return out


LIST_GAP = re.compile(r"\s*(?:,\s*(?:and|or)?|and|or)\s*")  # between two items of one list: ", and ", " or "


def content_words(text: str) -> frozenset[str]:
    """Lower-cased, lightly stemmed words that carry meaning ("GPUs" → "gpu"; "the", "was" dropped)."""
    return frozenset(stem for word in _WORD.findall(text) if (stem := _stem(word)) not in STOPWORDS)


def named_entities(text: str) -> frozenset[str]:
    """The names in `text`, each as the stemmed first word of a run of capitalised words ("Veridian Labs
    spent" → "veridian"). Function words, pronouns, months and words with digits ("H100") are not names; a
    sentence-initial common noun ("Revenue rose") is, so callers compare names against all of the other
    side's words, not only its names."""
    names, run_open = set(), False
    for match in _NAME_TOKEN.finditer(text):
        word = match.group(0)
        stem = _stem(word)
        is_name = word[0].isupper() and not any(c.isdigit() for c in word) and stem not in _NOT_NAMES
        if is_name and not run_open:
            names.add(stem)
        run_open = is_name and not re.search(r"['’]s?$", word)
    return frozenset(names)


def names_conflict(claim: str, evidence_sentence: str, common: frozenset[str] = frozenset()) -> bool:
    """Whether the evidence sentence is about someone else: none of the claim's names occur in it, and it
    names something the claim does not mention ("Northwind spent …" vs "Veridian spent …"). A sentence
    with no names ("The company spent …", "It spent …") does not conflict, nor does a word in `common`: one
    its document also writes in lower case (`common_words`: "Power draw at full load …" beside "power
    contracts"), or a name of the document's title where the document also names the claim's (the caller's
    choice: `service.figures.numeric_check`)."""
    claimed = named_entities(claim)
    if not claimed:
        return False
    evidence_words = content_words(evidence_sentence)
    if claimed & evidence_words:
        return False
    return bool(named_entities(evidence_sentence) - content_words(claim) - common)


_READ_CONTEXT = re.compile(r"\[([^\]]*)\]\s*")  # "[Title › Section] sentence", as a passage is read


def outer_context(read: str) -> str:
    """The outer parts of a passage's context as read ("Title" of "[Title › Section] sentence"): whose the
    document is, where the innermost heading says whom the sentence is about."""
    context = _READ_CONTEXT.match(read)
    return " ".join(re.split(r" › | · ", context.group(1))[:-1]) if context else ""


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][\w'’-]*")


def common_words(text: str) -> frozenset[str]:
    """The words `text` writes in lower case, as `content_words` reads them: common words, not names."""
    return content_words(" ".join(_LOWER_WORD.findall(text)))


# words the figures engine's stopword list drops because they rarely say whose a figure is, but which name the
# measure a computation is about ("cost of revenue was half of revenue")
_MEASURE_NOUNS = re.compile(r"\b(cost)s?\b", re.IGNORECASE)
# one measure, two words for it: a claim's "headcount" is a report's "employees"
_SAME_MEASURE = {"headcount": "employee", "workforce": "employee"}


def measure_words(text: str) -> frozenset[str]:
    """The content words of `text` as a computation's measure reads them (`content_words`, plus "cost", with
    "headcount" read as "employee")."""
    words = content_words(text) | {m.group(1).lower() for m in _MEASURE_NOUNS.finditer(text)}
    return frozenset(_SAME_MEASURE.get(word, word) for word in words)


def is_countable_word(text: str, end: int) -> bool:
    """Whether the word right after `end` names what a bare number counts ("100,000 H100s")."""
    return counted_noun(text, end) is not None


def counted_noun(text: str, end: int) -> str | None:
    """The stemmed word a bare number counts ("100,000 H100s" → "h100"), if one follows it."""
    following = re.match(r"[ \t]{1,2}([A-Za-z][\w-]*)", text[end:end + 40])
    if following is None or _stem(following.group(1)) in STOPWORDS or following.group(1).lower() in _NUMBERS:
        return None
    return _stem(following.group(1))


def _phrases(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, str]]:
    phrases = []
    for index, (start, end) in enumerate(spans):
        sentence_start, sentence_end = sentence_bounds(text, start)
        left_limit = max(sentence_start, spans[index - 1][1] if index else 0)
        right_limit = min(sentence_end, spans[index + 1][0] if index + 1 < len(spans) else len(text))
        phrases.append((_left_phrase(text[left_limit:start]), _right_phrase(text[end:right_limit])))
    return phrases


def _left_phrase(segment: str) -> str:
    """The words just before a figure, back to the last clause break. When those say nothing ("…, is
    about $6.4B") and an aside stands between them and the clause's start, the words before the aside are
    used ("Total commitment, including power, is …"); never across a contrast ("than", "while", "and")."""
    pieces, end = [], len(segment)  # (the break that opens the piece, the piece), from the figure back
    for match in reversed(list(_LEFT_BREAK.finditer(segment))):
        pieces.append((match.group(0).lower(), segment[match.end():end]))
        end = match.start()
    pieces.append(("", segment[:end]))
    tail = " ".join(_WORD.findall(pieces[0][1])[-_MAX_WORDS:])
    passed_aside = False
    for index, (opener, piece) in enumerate(pieces):
        words = " ".join(_WORD.findall(piece)[-_MAX_WORDS:])
        if passed_aside and opener not in _ASIDE and content_words(words):
            return words
        if (index == 0 and content_words(words)) or opener in _CONTRAST:
            break
        passed_aside = passed_aside or opener in _ASIDE
    return tail


def _right_phrase(segment: str) -> str:
    segment = segment[_LEADING_NOISE.match(segment).end():]  # type: ignore[union-attr]
    head = segment[:m.start()] if (m := _RIGHT_BREAK.search(segment)) else segment
    words = _WORD.findall(head)[:_MAX_WORDS]
    if not words:
        return ""
    first = words[0].lower()
    attached = first in _ATTACHING or _stem(first) not in STOPWORDS
    return " ".join(words) if attached else ""


def _pick_subject(left: str, right: str) -> str | None:
    right_words = right.split()
    if right_words and right_words[0].lower() in _ATTACHING:
        right = " ".join(right_words[1:])
    if content_words(right):
        return right
    return left if content_words(left) else None


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'").removesuffix("'s").strip("'")
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
