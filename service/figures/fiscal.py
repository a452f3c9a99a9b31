"""A document's fiscal calendar: the month its fiscal year ends, read from what the document says of it, and its
fiscal periods put on the calendar ("the fourth quarter of fiscal 2026" of a year that ends on 30 September is
July to September 2026).

`periods` reads every fiscal year as the calendar year it is named after, since the calendar of an arbitrary
company is not known there; a document that says how its year runs tells it: "Brightholm's fiscal year runs from
1 October to 30 September", "Merrowfield's fiscal year ends on 31 January", "the financial year ended September
30, 2026", or a fiscal quarter with its end ("the second quarter of fiscal 2027, which ended on 31 July 2026"). A
fiscal year is named after the calendar year it ends in (fiscal 2026 ending in September runs from October 2025;
"FY2025-26" is fiscal 2026).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import replace
from functools import lru_cache

from service.figures.periods import MONTH_NAMES, MONTHS, Granularity, Period, extract_periods

# "fiscal year ends on 31 January", "fiscal year runs from 1 October to 30 September", "fiscal year ending March 31",
# "our financial year ends on 31 March";
# not "the fiscal year-to-date period ended March 31", a span so far, nor "the third quarter of fiscal year 2025
# ended March 31, 2025", a quarter's end
_YEAR_RUNS = re.compile(rf"(?<!quarter of )(?<!half of )(?<!months of )\b(?:fiscal|financial)\s+year"
                        rf"(?:\s+(?:\d{{4}}|'?\d\d))?,?"
                        rf"\s+(?:that\s+|which\s+)?(?:ends?|ending|ended|closes|runs\s+from\s+[^.;]{{0,20}}?\bto)"
                        rf"\s+(?:on\s+)?"
                        rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?P<month>{MONTH_NAMES})\b|(?P<first>{MONTH_NAMES})\s+\d)",
                        re.IGNORECASE)
# a fiscal quarter with its end: "… of fiscal 2027, which ended on 31 July 2026"
_QUARTER_ENDED = re.compile(rf",?\s*(?:which\s+)?end(?:ed|ing|s)\s+(?:on\s+)?(?:\d{{1,2}}\s+)?"
                            rf"(?P<month>{MONTH_NAMES})\b", re.IGNORECASE)
_SAID = 20_000  # characters read for it: a filing or press release says it near the top
_FISCAL_WORD = re.compile(r"\bfiscal\b|\bfy|\bfinancial\s+year\b", re.IGNORECASE)
_WITH_END = re.compile(r"\bend(?:ed|ing|s)?\b", re.IGNORECASE)


@lru_cache(maxsize=64)
def fiscal_year_end(text: str) -> int | None:
    """The month (1–12) the document's fiscal year ends in, when it says so; None when it does not."""
    head = text[:_SAID]
    said = _YEAR_RUNS.search(head)
    if said:
        return MONTHS[(said.group("month") or said.group("first")).lower()]
    for period in extract_periods(head):
        if not period.fiscal:
            continue
        if period.granularity is Granularity.YEAR and period.last_day.month != 12:  # "fiscal year ended Sept 30"
            return period.last_day.month
        ended = _QUARTER_ENDED.match(head, period.end)
        if period.granularity is Granularity.QUARTER and ended:
            quarter = (period.first_day.month - 1) // 3 + 1
            return (MONTHS[ended.group("month").lower()] + 3 * (4 - quarter) - 1) % 12 + 1
    return None


def on_calendar(period: Period, year_end: int | None) -> Period:
    """`period` on the calendar, when it is a fiscal year, half or quarter of a fiscal year ending in `year_end`
    (a month); any other period, or with no year end known, as it is."""
    if not year_end or year_end == 12 or not _FISCAL_WORD.search(period.text) or _WITH_END.search(period.text):
        return period  # not fiscal, or read with the end it states ("fiscal year ended December 31, 2025")
    months = {Granularity.YEAR: 12, Granularity.HALF: 6, Granularity.QUARTER: 3}.get(period.granularity)
    if months is None:
        return period  # a day or a month
    fiscal_year = period.first_day.year
    part = (period.first_day.month - 1) // months  # which half or quarter of the year it was read as
    first_month = year_end + 1 + part * months  # months counted from January of the year before the fiscal year's
    first = dt.date(fiscal_year - 1 + (first_month - 1) // 12, (first_month - 1) % 12 + 1, 1)
    last_month = first_month + months - 1
    last_year, last_month = fiscal_year - 1 + (last_month - 1) // 12, (last_month - 1) % 12 + 1
    last = dt.date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    return replace(period, first_day=first, last_day=last)
