"""Date bounds and document dates: ISO at year, month or day precision, inclusive, undated never passes."""

from __future__ import annotations

from datetime import date

import pytest

from index.dates import DateRange, document_period, first_day, last_day, period

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        (" 2024-03-05 ", date(2024, 3, 5), date(2024, 3, 5)),
    ],
)
def test_a_bound_names_a_period(text: str, first: date, last: date) -> None:
    assert period(text) == (first, last)
    assert (first_day(text), last_day(text)) == (first, last)


@pytest.mark.parametrize("text", ["", "24", "2024-3", "2024-13", "2024-00", "2023-02-29", "2024/03/05", "March 2024",
                                  "2024-03-05T10:00", "٢٠٢٤"])
def test_anything_else_is_not_a_bound(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        period(text)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2024-03-05T10:00:00Z", (date(2024, 3, 5), date(2024, 3, 5))),
        ("2024-03", (date(2024, 3, 1), date(2024, 3, 31))),
        (None, None),
        ("", None),
        ("last spring", None),
        ("2024-02-30", None),
    ],
)
def test_a_document_date_is_read_at_its_own_precision(text: str | None, days: tuple[date, date] | None) -> None:
    assert document_period(text) == days


def test_a_range_admits_overlapping_periods_inclusively() -> None:
    spring = DateRange(first_day("2024-03"), last_day("2024-05"))

    assert spring.admits("2024-03-01") and spring.admits("2024-05-31")
    assert not spring.admits("2024-02-29") and not spring.admits("2024-06-01")
    assert spring.admits("2024")  # a document dated only by its year may fall in the range
    assert not spring.admits(None) and not spring.admits("soon")
    assert DateRange(since=first_day("2024")).admits("2999-01-01")
    assert DateRange(until=last_day("2024")).admits("1900")


def test_no_bound_is_no_filter_and_reversed_bounds_are_refused() -> None:
    assert DateRange.of(None, None) is None
    with pytest.raises(ValueError, match="after until"):
        DateRange.of(first_day("2025"), last_day("2024"))
