"""Document dates and the since/until filter of a search.

Bounds are ISO dates at year, month or day precision (`2024`, `2024-03`, `2024-03-05`): `since` means the
first day of that period, `until` its last, both inclusive. A document's `date` is read the same way (a time
after a full date is ignored) and matches when its period overlaps the range, so a document dated `2024`
passes `since=2024-06`. A document with no date, or one that is not an ISO date, never passes a date filter.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def period(text: str) -> tuple[date, date]:
    """The first and last day that `text` names; ValueError unless it is YYYY, YYYY-MM or YYYY-MM-DD."""
    match = _ISO.fullmatch(text.strip())
    days = None
    if match:
        year, month, day = match.groups()
        days = _days(int(year), None if month is None else int(month), None if day is None else int(day))
    if days is None:
        raise ValueError(f"{text!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    return days


def _days(year: int, month: int | None, day: int | None) -> tuple[date, date] | None:
    """The period a year, a month or a day names; None when there is no such date (2023-02-29)."""
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError:
        return None


def first_day(text: str) -> date:
    return period(text)[0]


def last_day(text: str) -> date:
    return period(text)[1]


@lru_cache(maxsize=65536)
def document_period(text: str | None) -> tuple[date, date] | None:
    """The days a document's `date` covers; None when it has none or it is not an ISO date."""
    head = (text or "").strip()
    if len(head) > 10 and head[10] in "T ":  # 2024-03-05T10:00:00Z
        head = head[:10]
    try:
        return period(head)
    except ValueError:
        return None


@dataclass(frozen=True)
class DateRange:
    """Inclusive bounds on a document's date (either may be open)."""

    since: date | None = None
    until: date | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")

    @classmethod
    def of(cls, since: date | None, until: date | None) -> DateRange | None:
        """The range, or None when neither bound is set (no filter)."""
        return None if since is None and until is None else cls(since, until)

    def admits(self, document_date: str | None) -> bool:
        days = document_period(document_date)
        if days is None:
            return False
        return (self.since is None or days[1] >= self.since) and (self.until is None or days[0] <= self.until)
