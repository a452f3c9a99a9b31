"""Which times a sentence's figures are for, against the periods a question names (`service.claims.answers`).

    periods_fit(asked, sentence, lead, measured=True)   # the sentence is about every period asked
    period_follows(text, figure, asked)                  # "$640 million in fiscal 2024": the asked period's
    other_period_follows(text, figure, asked)            # "$212 million in fiscal 2023": another period's

Each takes the month the document's fiscal year ends in (`year_end`, `service.figures.fiscal`), so that "the
fourth quarter of fiscal 2026" of a year ending in September answers for "the July-to-September 2026 quarter".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.figures import Granularity, Period, Quantity, extract_periods, extract_quantities, periods_align
from service.figures.fiscal import on_calendar

_PART_OF_YEAR = re.compile(r"\b(?:quarters?|halves|half|months?|q[1-4]|h[12])\b", re.IGNORECASE)
_POINTS_IN_TIME = (Granularity.DAY, Granularity.MONTH)
_DATING = re.compile(r"\s*(?:in|for|during|of|at|by)?\s*(?:the\s+)?", re.IGNORECASE)  # "$467.5M in the" + period


def periods_fit(asked: Sequence[Period], sentence: str, lead: str, *, measured: bool = False,
                year_end: int | None = None) -> bool:
    """Every period the question names is one the sentence is about: its own periods, less those that date
    another figure ("up from $212 million in fiscal 2023"), or if it names none and one of its figures is undated,
    its document's title and opening.
    For an amount or a count (`measured`), a year the sentence gives as a whole does not answer for one of its
    quarters or halves: a year's revenue is not its fourth quarter's."""
    if not asked:
        return True
    figures = extract_quantities(sentence)
    periods = _periods(sentence, year_end)
    # "355 MW at 30 June 2026", "61,200 in the fourth quarter of fiscal 2026": a figure's own period
    pairs = [(p, q) for p in periods for q in figures
             if q.end <= p.start and _DATING.fullmatch(sentence[q.end:p.start])]
    dating = [p for p, _ in pairs]
    own = [p for p in periods if p not in dating]
    whole_years = [p for p in own if measured and _whole_year(sentence, p)]
    undated = not figures or any(all(q is not dated for _, dated in pairs) for q in figures)
    found = own or (_periods(lead, year_end) if undated else [])  # the opening's period: for an undated figure
    asked = [on_calendar(period, year_end) for period in asked]
    # … or a figure of the sentence is dated by it, or by a day or month in it ("412 MW at 30 September 2026,
    # compared with 355 MW at 30 June 2026" for the end of June, "$130 million in September 2025" for a raise in
    # 2025; not a quarter's figure for its year): that figure is taken
    return all(any(same_time(period, other) and not (other in whole_years and _within_year(period, other))
                   for other in found) or any(periods_align(period, other) or (
                       other.granularity in _POINTS_IN_TIME and period.contains(other)) for other in dating)
               for period in asked)


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


def period_follows(text: str, figure: Quantity, asked: Sequence[Period], year_end: int | None = None) -> bool:
    """"$640 million in fiscal 2024" for a question about fiscal 2024."""
    after = _dated_by(text, figure, year_end)
    return after is not None and any(same_time(on_calendar(a, year_end), after) for a in asked)


def other_period_follows(text: str, figure: Quantity, asked: Sequence[Period], year_end: int | None = None) -> bool:
    """"$212 million in fiscal 2023", "$467.5 million in the third quarter of 2025" when the question asks about
    another time."""
    after = _dated_by(text, figure, year_end) if asked else None  # "$80 million in 2025": no figure for Q4 2025
    return after is not None and not any(
        same_time(a, after) and not _within_year(a, after) for a in (on_calendar(p, year_end) for p in asked))


def _dated_by(text: str, figure: Quantity, year_end: int | None) -> Period | None:
    """The period written right after the figure ("in fiscal 2024", "in the third quarter of 2025"), if any."""
    after = extract_periods(text[figure.end:figure.end + 80])
    dated = after and _DATING.fullmatch(text[figure.end:figure.end + after[0].start])
    return on_calendar(after[0], year_end) if dated else None


def _periods(text: str, year_end: int | None) -> list[Period]:
    return [on_calendar(period, year_end) for period in extract_periods(text)]
