"""Dates and periods in claims and passages: years, quarters, halves, months, days, fiscal years, decades,
and "last year"-style phrases resolved against a document date.

Hand-written patterns rather than `dateparser.search.search_dates` (installed, but it takes milliseconds
per sentence, reads stray words such as "may" or "second" as dates, and knows nothing of quarters or fiscal
years). Fiscal years are taken as the calendar year they are named after, flagged `fiscal`, because the
fiscal calendar of an arbitrary company is not known here. `extract_periods` never raises.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)


class Granularity(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    DECADE = "decade"


@dataclass(frozen=True)
class Period:
    """A calendar span named in a text; `start`/`end` are character offsets like `Quantity`'s."""

    first_day: dt.date
    last_day: dt.date
    granularity: Granularity
    text: str
    start: int
    end: int
    fiscal: bool = False
    relative: bool = False

    def contains(self, other: Period) -> bool:
        return self.first_day <= other.first_day and other.last_day <= self.last_day


MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}
MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month>{MONTH_NAMES})\.?"
_YEAR = r"(?P<year>(?:1[89]|20)\d{2})(?!\d|,\d|%)"
_SHORT_YEAR = r"(?P<year>(?:1[89]|20)\d{2}|'?\d{2})(?![\d%])"
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "last": 4, "final": 4}  # "the last quarter of 2026" (with its year: "last quarter" alone is relative)
_ORDINALS = "|".join(_ORDINAL)
_FISCAL = r"(?P<fiscal>fy\s*|fiscal\s+(?:year\s+)?|financial\s+year\s+)"
_UNTIL = r"(?:[-–/](?P<until>(?:1[89]|20)\d{2}|\d{2})(?![\d%/-]))"  # "FY2025-26": the fiscal year ending in 2026

_PATTERNS: list[tuple[str, str]] = [
    # a filing's "three months ended September 30, 2025", "Years Ended December 31, 2023": the span ending that day
    ("ended", rf"\b(?:(?P<count>three|six|nine|twelve|3|6|9|12)[\s-]+months?|(?P<span>quarter|half[\s-]?year|"
              rf"(?:fiscal\s+)?years?))\s+end(?:ed|ing)\s+{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+{_YEAR}"),
    ("fiscal_year", rf"\b(?P<year>(?:1[89]|20)\d{{2}}){_UNTIL}\s+(?P<fiscal>financial|fiscal)\s+year\b"),  # "2025-26 …"
    ("iso_day", r"\b(?P<year>\d{4})-(?P<month_num>\d{1,2})-(?P<day>\d{1,2})\b"),
    ("iso_month", r"(?<!fy )(?<!fiscal )(?<!year )\b(?P<year>(?:1[89]|20)\d{2})-(?P<month_num>0[1-9]|1[0-2])\b"
                  r"(?!-\d)"),  # a timeline's "2025-03"; "FY 2009-10" is a fiscal year
    ("day", rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}"),
    ("day", rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s+{_YEAR}"),
    ("quarter", rf"\b(?:q(?P<q>[1-4])(?=[\s'-])|(?P<q2>[1-4])q)[\s-]*(?:of\s+)?{_FISCAL}?{_SHORT_YEAR}{_UNTIL}?\b"),
    ("quarter", rf"\b(?P<qword>{_ORDINALS})\s+(?:fiscal\s+)?quarter\s+(?:of\s+)?{_FISCAL}?{_YEAR}{_UNTIL}?"),
    # "the July-to-September quarter of 2026", "the July–September 2026 quarter", "(January–March 2024)": three
    # months named by their ends, a quarter of the calendar or of a fiscal year ("March to May 2024")
    ("month_quarter", rf"\b{_MONTH}\s*(?:[-–—]\s*(?:to\s*[-–—]\s*)?|(?:to|through|until)\s+)"
                      rf"(?P<until_month>{MONTH_NAMES})\.?\s+(?:{_YEAR}(?:\s+quarter\b)?|"
                      rf"quarter\s+(?:of\s+)?(?P<year_after>(?:1[89]|20)\d{{2}})\b)"),
    ("half", rf"\b(?:h(?P<h>[12])(?=[\s'-])|(?P<h2>[12])h)[\s-]*(?:of\s+)?{_FISCAL}?{_SHORT_YEAR}{_UNTIL}?\b"),
    ("half", rf"\b(?P<hword>first|second)\s+half\s+(?:of\s+)?{_FISCAL}?{_YEAR}{_UNTIL}?"),
    # "the last three months of 2026", "the first six months of fiscal 2027": a year's edge quarter or half
    ("edge_months", rf"\b(?P<edge>first|last|final)\s+(?P<months>three|six|3|6)\s+months\s+of\s+{_FISCAL}?{_YEAR}"),
    ("fiscal_year", rf"\b{_FISCAL}{_SHORT_YEAR}{_UNTIL}?\b"),
    ("month", rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}"),
    ("years", r"(?<![\w$€£¥.,/-])(?P<year>(?:1[89]|20)\d{2})\s*(?:-|–|—|to)\s*"
              r"(?P<until>(?:1[89]|20)\d{2}|\d{2})\b"),
    ("decade", r"\b(?:the\s+)?(?P<year>(?:1[89]|20)\d0)s\b"),
    ("year", rf"(?<![\w$€£¥.,/-]){_YEAR}(?!\s*(?:%|percent|million|billion|[a-z]*bytes))(?![\w-])"),
    ("relative", r"\b(?P<which>last|this|next|previous|past|current|coming)\s+(?P<unit>year|quarter|month)\b"),
    ("relative", r"\b(?P<ago>a|one|two|three|\d+)\s+(?P<unit>year|month)s?\s+ago\b"),
    ("relative", r"\b(?P<which>today|yesterday)\b"),
]
_COMPILED = [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _PATTERNS]
_SHIFT = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
_COUNT = {"a": 1, "one": 1, "two": 2, "three": 3}


# "for the past 2,000 years", "over the last 18 months": a stretch of time up to the text's own time. It scopes
# what is said rather than measuring anything, so its number is no figure to compare ("the sun has driven
# climate cycles for the past 4,567 million years" is not refuted by "for the past 2,000 years, cooling")
_TIME_SPAN = re.compile(
    r"\b(?:past|last|previous|next|coming)\s+(?:\d[\d.,]*|a\s+few|several|[a-z]+)"
    r"(?:\s+(?:hundred|thousand|million|billion))?\s+(?:years?|months?|decades?|centur(?:y|ies)|weeks?|days?)\b",
    re.IGNORECASE)
_ANY_DAY = dt.date(2000, 1, 1)  # a reference that lets relative phrases be found, not resolved


def time_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` names a stretch of time ending at its own time ("the past 2,000 years")."""
    return [match.span() for match in _TIME_SPAN.finditer(text)]


def unresolved_dates(text: str, reference_date: dt.date | None) -> list[tuple[int, int]]:
    """Where `text` dates something relative to a time it does not give ("this year" with no document date):
    a sentence holding one has a date that cannot be read, whatever other dates it names."""
    if reference_date is not None:
        return []
    return [(p.start, p.end) for p in extract_periods(text, _ANY_DAY) if p.relative]


def extract_periods(text: str, reference_date: dt.date | None = None) -> list[Period]:
    """Every period named in `text`, in order; relative ones only when `reference_date` is given."""
    try:
        return _extract(text, reference_date)
    except Exception:
        log.exception("period extraction failed")
        return []


def periods_align(claimed: Period, found: Period) -> bool:
    """Whether evidence about `found` speaks to the `claimed` period.

    The same span; the same year whether fiscal or not; or a day inside a claimed month or day ("as of
    March 2024" vs "March 31, 2024").
    """
    if (claimed.first_day, claimed.last_day) == (found.first_day, found.last_day):
        return True
    if claimed.granularity in (Granularity.MONTH, Granularity.DAY) and found.granularity == Granularity.DAY:
        return claimed.contains(found)
    return False


def _extract(text: str, reference_date: dt.date | None) -> list[Period]:
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _COMPILED:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            period = _BUILDERS[kind](match, reference_date)
            if period is not None:
                found.append(period)
                taken.append(match.span())
    return sorted(found, key=lambda p: p.start)


def _year(raw: str) -> int:
    digits = int(raw.strip("'"))
    return digits if digits >= 100 else 2000 + digits if digits < 70 else 1900 + digits


def _span(match: re.Match[str], first: dt.date, last: dt.date, granularity: Granularity, *,
          fiscal: bool = False, relative: bool = False) -> Period:
    return Period(first, last, granularity, match.group(0), match.start(), match.end(), fiscal, relative)


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _months(year: int, first_month: int, count: int) -> tuple[dt.date, dt.date]:
    return _month_span(year, first_month)[0], _month_span(year, first_month + count - 1)[1]


def _build_day(match: re.Match[str], _: dt.date | None) -> Period | None:
    groups = match.groupdict()
    month = int(groups["month_num"]) if groups.get("month_num") else MONTHS[groups["month"].lower()]
    try:
        day = dt.date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return None
    return _span(match, day, day, Granularity.DAY)


def _named_year(groups: dict[str, str | None]) -> int | None:
    """The year a period is named after: "FY2025-26", a fiscal year named by both its years, ends in 2026."""
    year, until = _year(groups["year"] or ""), groups.get("until")
    return year if not until else year + 1 if _year(until) % 100 == (year + 1) % 100 else None


def _build_quarter(match: re.Match[str], _: dt.date | None) -> Period | None:
    groups = match.groupdict()
    quarter = int(groups.get("q") or groups.get("q2") or _ORDINAL[groups["qword"].lower()])
    if (year := _named_year(groups)) is None:
        return None
    first, last = _months(year, 3 * quarter - 2, 3)
    return _span(match, first, last, Granularity.QUARTER, fiscal=bool(groups.get("fiscal")))


def _build_month_quarter(match: re.Match[str], _: dt.date | None) -> Period | None:
    """Three months named by their first and last ("July-to-September"), as a quarter; other spans are none."""
    groups = match.groupdict()
    first_month, last_month = MONTHS[groups["month"].lower()], MONTHS[groups["until_month"].lower()]
    if last_month - first_month != 2:  # (a quarter across a new year, "November-January", is not read)
        return None
    first, last = _months(_year(groups["year"] or groups["year_after"]), first_month, 3)
    return _span(match, first, last, Granularity.QUARTER)


def _build_half(match: re.Match[str], _: dt.date | None) -> Period | None:
    groups = match.groupdict()
    half = int(groups.get("h") or groups.get("h2") or (1 if groups["hword"].lower() == "first" else 2))
    if (year := _named_year(groups)) is None:
        return None
    first, last = _months(year, 6 * half - 5, 6)
    return _span(match, first, last, Granularity.HALF, fiscal=bool(groups.get("fiscal")))


def _build_edge_months(match: re.Match[str], _: dt.date | None) -> Period:
    months = 3 if match.group("months").lower() in ("three", "3") else 6
    first, last = _months(_year(match.group("year")), 1 if match.group("edge").lower() == "first" else 13 - months,
                          months)
    return _span(match, first, last, Granularity.QUARTER if months == 3 else Granularity.HALF,
                 fiscal=bool(match.group("fiscal")))


def _build_year(match: re.Match[str], _: dt.date | None) -> Period | None:
    if (year := _named_year(match.groupdict())) is None:
        return None
    fiscal = bool(match.groupdict().get("fiscal"))
    return _span(match, dt.date(year, 1, 1), dt.date(year, 12, 31), Granularity.YEAR, fiscal=fiscal)


def _build_years(match: re.Match[str], _: dt.date | None) -> Period | None:
    first = int(match.group("year"))
    until = match.group("until")
    last = int(until) if len(until) == 4 else first // 100 * 100 + int(until)
    if last <= first:
        return None
    return _span(match, dt.date(first, 1, 1), dt.date(last, 12, 31), Granularity.YEAR)


_ENDED_MONTHS = {"three": 3, "3": 3, "six": 6, "6": 6, "nine": 9, "9": 9, "twelve": 12, "12": 12, "quarter": 3}
_ENDED_GRANULARITY = {3: Granularity.QUARTER, 6: Granularity.HALF, 9: Granularity.HALF, 12: Granularity.YEAR}


def _build_ended(match: re.Match[str], _: dt.date | None) -> Period | None:
    """"nine months ended September 30, 2025": from the first day of the first of those months to that day."""
    groups = match.groupdict()
    span = (groups.get("span") or "").lower()
    months = _ENDED_MONTHS.get((groups.get("count") or "").lower()) or _ENDED_MONTHS.get(span) \
        or (6 if span.startswith("half") else 12)
    try:
        last = dt.date(int(groups["year"]), MONTHS[groups["month"].lower()], int(groups["day"]))
    except ValueError:
        return None
    index = last.year * 12 + last.month - months  # months since year 0 of the month before the span
    first = dt.date(index // 12, index % 12 + 1, 1)
    fiscal = months == 12 and (last.month, last.day) != (12, 31)
    return _span(match, first, last, _ENDED_GRANULARITY[months], fiscal=fiscal)


def _build_month(match: re.Match[str], _: dt.date | None) -> Period:
    groups = match.groupdict()
    month = int(groups["month_num"]) if groups.get("month_num") else MONTHS[groups["month"].lower()]
    first, last = _month_span(int(groups["year"]), month)
    return _span(match, first, last, Granularity.MONTH)


def _build_decade(match: re.Match[str], _: dt.date | None) -> Period:
    year = int(match.group("year"))
    return _span(match, dt.date(year, 1, 1), dt.date(year + 9, 12, 31), Granularity.DECADE)


def _build_relative(match: re.Match[str], reference: dt.date | None) -> Period | None:
    if reference is None:
        return None
    groups = match.groupdict()
    which = (groups.get("which") or "").lower()
    if which in ("today", "yesterday"):
        day = reference - dt.timedelta(days=1 if which == "yesterday" else 0)
        return _span(match, day, day, Granularity.DAY, relative=True)
    shift = _SHIFT[which] if which else -(_COUNT.get(groups["ago"].lower()) or int(groups["ago"]))
    unit = groups["unit"].lower()
    if unit == "year":
        year = reference.year + shift
        return _span(match, dt.date(year, 1, 1), dt.date(year, 12, 31), Granularity.YEAR, relative=True)
    months_per_step = 3 if unit == "quarter" else 1
    first_month = ((reference.month - 1) // months_per_step) * months_per_step + shift * months_per_step
    year, month0 = reference.year + first_month // 12, first_month % 12
    first, last = _months(year, month0 + 1, months_per_step)
    granularity = Granularity.QUARTER if unit == "quarter" else Granularity.MONTH
    return _span(match, first, last, granularity, relative=True)


_BUILDERS: dict[str, Callable[[re.Match[str], dt.date | None], Period | None]] = {
    "ended": _build_ended, "iso_day": _build_day, "iso_month": _build_month,
    "day": _build_day, "quarter": _build_quarter, "month_quarter": _build_month_quarter, "half": _build_half,
    "edge_months": _build_edge_months, "fiscal_year": _build_year, "month": _build_month, "decade": _build_decade,
    "years": _build_years, "year": _build_year, "relative": _build_relative,
}
