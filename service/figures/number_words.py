"""Written numbers and scale words: "six hundred", "half a billion", "2.5 crore".

Hand-written because the PyPI options do not fit the hot path: `word2number` raises on any word it does
not know and returns no character offsets, and `number-parser`/`quantulum3` are far slower than a regex
over a short sentence. The vocabulary here is small and closed, so a table and a dozen lines of
arithmetic cover it.
"""

from __future__ import annotations

import re

SMALL_NUMBERS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
# Scale words written out in full; they follow digits ("2.5 million") or written numbers ("two million").
SCALE_WORDS: dict[str, float] = {
    "thousand": 1e3, "lakh crore": 1e12, "lakh": 1e5, "lakhs": 1e5, "million": 1e6, "millions": 1e6,
    "crore": 1e7, "crores": 1e7, "billion": 1e9, "billions": 1e9, "trillion": 1e12, "trillions": 1e12,
}
# Abbreviated scales written right after the digits ("40bln", "$6.4B", "£3.2m"); the multi-letter ones may
# also follow a space ("€5 bn"). A lone "m" counts only after a currency ("5m" may be metres).
SCALE_SUFFIXES: dict[str, float] = {
    "k": 1e3, "K": 1e3, "M": 1e6, "mn": 1e6, "mln": 1e6, "mm": 1e6, "MM": 1e6, "m": 1e6, "B": 1e9,
    "bn": 1e9, "bln": 1e9, "Bn": 1e9, "BN": 1e9, "b": 1e9, "T": 1e12, "tn": 1e12, "trn": 1e12,
    "Tn": 1e12,
}

_WORD_VALUES = SMALL_NUMBERS | TENS | {"hundred": 100, "dozen": 12}
# Words that "a"/"an" can stand before as the number one: "a hundred", "a million", "half a billion". Before
# any other number word the article belongs to a noun phrase ("a five-year deal"), not to the number.
_MULTIPLIERS = frozenset({"hundred", "dozen", "half", *SCALE_WORDS})
_NUMBER_WORD = "|".join(sorted([*_WORD_VALUES, *SCALE_WORDS, "half"], key=len, reverse=True))
_MULTIPLIER = "|".join(sorted(_MULTIPLIERS, key=len, reverse=True))
_ARTICLE = rf"(?:an?\s+(?=(?:{_MULTIPLIER})\b))"
_JOINER = rf"(?:[\s-]+(?:and\s+)?{_ARTICLE}?)"
# A number word hyphenated to a noun is a modifier ("five-year", "eight-hour") or a fraction ("two-thirds").
WRITTEN_NUMBER = re.compile(
    rf"\b(?:(?:half\s+)?{_ARTICLE})?(?:{_NUMBER_WORD})(?:{_JOINER}(?:{_NUMBER_WORD}))*\b(?!-[A-Za-z])",
    re.IGNORECASE,
)


def parse_written_number(phrase: str) -> float | None:
    """Value of a written number ("half a billion" → 5e8); None if the words make no number."""
    words = [w for w in re.split(r"[\s-]+", phrase.lower()) if w and w != "and"]
    total, current, seen_number = 0.0, 0.0, False
    for word, following in zip(words, [*words[1:], ""], strict=True):
        if word in ("a", "an"):  # one, but only before a multiplier: "a hundred", not "a five"
            if following in _MULTIPLIERS and following != "half":  # "a half" is one half, not 1.5
                current = current or 1.0
                seen_number = True
        elif word == "half":
            current = current + 0.5 if current else 0.5
            seen_number = True
        elif word in SMALL_NUMBERS or word in TENS:
            current += _WORD_VALUES[word]
            seen_number = True
        elif word in ("hundred", "dozen"):
            current = (current or 1.0) * _WORD_VALUES[word]
            seen_number = True
        elif word in SCALE_WORDS:  # a scale word alone ("billions") is vague, not a number
            total += (current or 1.0) * SCALE_WORDS[word]
            current = 0.0
    return total + current if seen_number else None


def to_words(value: int) -> str:
    """English words for a non-negative integer below a trillion (used by tests and display)."""
    if value < 20:
        return next(w for w, n in SMALL_NUMBERS.items() if n == value)
    if value < 100:
        tens = next(w for w, n in TENS.items() if n == value - value % 10)
        return tens if value % 10 == 0 else f"{tens}-{to_words(value % 10)}"
    if value < 1000:
        rest = value % 100
        head = f"{to_words(value // 100)} hundred"
        return head if rest == 0 else f"{head} and {to_words(rest)}"
    for name, scale in (("billion", 10**9), ("million", 10**6), ("thousand", 10**3)):
        if value >= scale:
            rest = value % scale
            head = f"{to_words(value // scale)} {name}"
            return head if rest == 0 else f"{head} {to_words(rest)}"
    raise ValueError(f"cannot write {value}")
