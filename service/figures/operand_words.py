"""What a passage says a figure measures, read the same way for every computed figure: the passage as read with
its wrapped lines joined, the words of a figure's clause or table row, whether they name the claim's measure,
and two retrieved sentences that follow each other read as one passage. Used by `service.figures.derived_check`
and `service.figures.derived_per_unit`."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from service.domain import Passage
from service.figures.derived_claim import MIN_MEASURE_WORDS
from service.figures.quantities import Quantity
from service.figures.subjects import measure_words

_WINDOW = 80  # characters either side of an operand whose words say what it measures
# where a clause ends: a sentence or semicolon break, or a line break
_CLAUSE_BREAK = re.compile(r"\. |; |\n")
_ENUMERATION = re.compile(r":\s*\((?:i|a|1)\)|,?\s*\((?:ii|iii|iv|v|vi|b|c|d|e|2|3|4|5)\)\s")  # "(i)", "(ii)" …
_WRAPPED = re.compile(r"\n[ \t]*(?=[a-z])")


def read_passage(passage: Passage) -> str:
    """The passage as read, its wrapped lines joined ("… $90 million on\n  hiring." is one clause): the same
    length, so offsets hold."""
    return _WRAPPED.sub(lambda m: " " * len(m.group(0)), passage.as_read)


def words_near(text: str, figure: Quantity) -> frozenset[str]:
    """What the passage says the figure measures: in a table row read as a fact ("[context] caption › Revenue —
    2025: $1,240 million; …"), everything that heads the row and the figure's own column name; in prose, its
    clause (between the sentence or clause breaks around it, at most `_WINDOW` characters either side unless it
    lists its figures "respectively"), from the last enumeration marker before the figure ("(i)", "(ii)")."""
    dash = text.rfind(" — ", 0, figure.start)
    if dash >= 0 and "\n" not in text[dash:figure.start]:
        cell_from = max(text.rfind(";", 0, figure.start), dash + 3)
        return frozenset(measure_words(text[:dash]) | measure_words(text[cell_from:figure.start]))
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    before = [i for i in breaks if i < figure.start]
    end = next((i for i in breaks if i >= figure.end), min(len(text), figure.end + _WINDOW))
    # a list of figures "…, respectively" measures what its sentence opens with, however long the list
    listed = "respectively" in text[figure.end:end].lower()
    start = before[-1] + 1 if before else 0 if listed else max(0, figure.start - _WINDOW)
    enumerated = [m.end() for m in _ENUMERATION.finditer(text, start, figure.start)]  # ": (i) out-of-pocket costs …"
    return frozenset(measure_words(text[enumerated[-1] if enumerated else start:end]))


def measures(words: frozenset[str], near: frozenset[str], share: float = MIN_MEASURE_WORDS) -> bool:
    return not words or len(words & near) / len(words) >= share


def following(passages: Sequence[Passage]) -> list[tuple[Passage, Passage, Passage]]:
    """Two retrieved sentences that follow each other in one document, and the two read as one passage: a
    change is often stated across them ("… at $2.49 per hour. A year earlier, … it charged $3.40 per hour")."""
    prose = sorted((p for p in passages if p.as_read.endswith(p.text)), key=lambda p: (p.doc_id, p.start))
    return [(first, second, replace(first, end=second.end, text=f"{first.text} {second.text}",
                                    reading=f"{first.as_read} {second.text}"))
            for first, second in itertools.pairwise(prose)
            if first.doc_id == second.doc_id and 0 <= second.start - first.end <= 2]
