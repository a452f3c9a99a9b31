"""Which times a sentence's figures are for, against the periods a question names (`service.claims.answers`).

    periods_fit(asked, sentence, lead, measured=True)   # the sentence is about every period asked
    period_follows(text, figure, asked)                  # "$640 million in fiscal 2024": the asked period's
    other_period_follows(text, figure, asked)            # "$212 million in fiscal 2023": another period's
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.figures import Granularity, Period, Quantity, extract_periods, extract_quantities, periods_align

_PART_OF_YEAR = re.compile(r"\b(?:quarters?|halves|half|months?|q[1-4]|h[12])\b", re.IGNORECASE)
_DATING = re.compile(r"\s*(?:in|for|during|of|at|by)?\s*(?:the\s+)?", re.IGNORECASE)  # "$467.5M in the" + period


def periods_fit(asked: Sequence[Period], sentence: str, lead: str, *, measured: bool = False) -> bool:
    """Every period the question names is one the sentence is about: its own periods, less those that date
    another figure ("up from $212 million in fiscal 2023"), or if it names none, its document's title and opening.
    For an amount or a count (`measured`), a year the sentence gives as a whole does not answer for one of its
    quarters or halves: a year's revenue is not its fourth quarter's."""
    if not asked:
        return True
    figures = extract_quantities(sentence)
    own = [p for p in extract_periods(sentence) if not any(0 <= p.start - q.end <= 4 for q in figures)]
    whole_years = [p for p in own if measured and _whole_year(sentence, p)]
    found = own or extract_periods(lead)
    return all(any(same_time(period, other) and not (other in whole_years and _within_year(period, other))
                   for other in found) for period in asked)


def _whole_year(sentence: str, period: Period) -> bool:
    """A year in a sentence that names no part of a year ("For fiscal 2025 as a whole, revenue of $1.86 billion"),
    not one beside a quarter ("between the first and third quarters of 2024", "in the fourth quarter …, bringing
    full-year 2025 revenue to …")."""
    return period.granularity is Granularity.YEAR and not _PART_OF_YEAR.search(sentence)


def _within_year(asked: Period, year: Period) -> bool:
    """A quarter or a half of the year: a year's revenue does not answer for its fourth quarter."""
    return year.granularity is Granularity.YEAR and asked.granularity in (Granularity.QUARTER, Granularity.HALF) \
        and year.contains(asked) and not periods_align(year, asked)


def same_time(first: Period, second: Period) -> bool:
    """Whether two periods name the same time, or one lies within the other ("February 2024" and "2024")."""
    return periods_align(first, second) or periods_align(second, first) or first.contains(second) \
        or second.contains(first)


def period_follows(text: str, figure: Quantity, asked: Sequence[Period]) -> bool:
    """"$640 million in fiscal 2024" for a question about fiscal 2024."""
    after = _dated_by(text, figure)
    return after is not None and any(same_time(a, after) for a in asked)


def other_period_follows(text: str, figure: Quantity, asked: Sequence[Period]) -> bool:
    """"$212 million in fiscal 2023", "$467.5 million in the third quarter of 2025" when the question asks about
    another time."""
    after = _dated_by(text, figure) if asked else None  # "$80 million in 2025" is no figure for Q4 2025 either
    return after is not None and not any(same_time(a, after) and not _within_year(a, after) for a in asked)


def _dated_by(text: str, figure: Quantity) -> Period | None:
    """The period written right after the figure ("in fiscal 2024", "in the third quarter of 2025"), if any."""
    after = extract_periods(text[figure.end:figure.end + 40])
    return after[0] if after and _DATING.fullmatch(text[figure.end:figure.end + after[0].start]) else None
