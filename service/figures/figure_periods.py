"""Which period a figure is of, within its sentence: the nearest period with no other figure between them, or,
in a sentence that pairs its figures one to one with a list of periods "respectively", the period in the same
place of the list ("As of December 31, 2023 and March 31, 2023, the Company held cash of $205,718 and $35,756,
respectively": the first figure is December's, though March is nearer)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from service.figures.periods import Period, extract_periods
from service.figures.quantities import Quantity
from service.figures.subjects import LIST_GAP
from service.text import TIME_WORDS, sentence_bounds

_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)


def without_periods(label: str) -> str:
    """A table row's label with the periods it names and the words that name periods blanked ("Years Ended
    December 31, 2023", "Period Ended June 30, 2024"): when, not what, so no measure the claim must name."""
    for period in extract_periods(label):
        label = label[:period.start] + " " * (period.end - period.start) + label[period.end:]
    return TIME_WORDS.sub(lambda m: " " * len(m.group(0)), label)


def period_of(text: str, figure: Quantity, periods: Sequence[Period], figures: Sequence[Quantity]) -> Period | None:
    """The period `figure` (one of `figures`, the text's figures) is of, if its sentence names one."""
    start, end = sentence_bounds(text, figure.start)
    if _RESPECTIVELY.search(text, start, end):
        listed = sorted({(p.start, p.end): p for p in periods if start <= p.start < end}.values(),
                        key=lambda p: p.start)
        figures_here = [f for f in figures if start <= f.start < end]
        # one figure per period, the periods written as one list ("As of X and Y"): not "… were $5.2 million and
        # $1.1 million, respectively, in 2023, up from 2022", where the list pairs measures
        if 2 <= len(listed) == len(figures_here) and figure in figures_here \
                and all(LIST_GAP.fullmatch(text, a.end, b.start) for a, b in itertools.pairwise(listed)):
            return listed[figures_here.index(figure)]
    inside = [p for p in periods if start <= p.start < end
              and not re.search(r"(?<![\w.])\d", text[p.end:figure.start] if p.end <= figure.start
                                else text[figure.end:p.start])]
    if not inside:
        return None
    # a period with another figure between them is that figure's ("$640 million, up from $212 million in 2023")
    return min(inside, key=lambda p: min(abs(p.start - figure.end), abs(figure.start - p.end)))
