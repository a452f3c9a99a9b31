"""Dates and periods: years, quarters, halves, months, days, fiscal years and relative phrases."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.figures.periods import Granularity, extract_periods, periods_align

pytestmark = pytest.mark.unit

D = dt.date


@pytest.mark.parametrize(
    ("text", "first", "last", "granularity", "fiscal"),
    [
        ("lost $6.4 billion in 2025", D(2025, 1, 1), D(2025, 12, 31), Granularity.YEAR, False),
        ("as of March 2024", D(2024, 3, 1), D(2024, 3, 31), Granularity.MONTH, False),
        ("Sept. 2023 sales", D(2023, 9, 1), D(2023, 9, 30), Granularity.MONTH, False),
        ("Q3 2024 revenue", D(2024, 7, 1), D(2024, 9, 30), Granularity.QUARTER, False),
        ("3Q24", D(2024, 7, 1), D(2024, 9, 30), Granularity.QUARTER, False),
        ("the third quarter of 2023", D(2023, 7, 1), D(2023, 9, 30), Granularity.QUARTER, False),
        ("Q4 FY2024", D(2024, 10, 1), D(2024, 12, 31), Granularity.QUARTER, True),
        ("FY2024", D(2024, 1, 1), D(2024, 12, 31), Granularity.YEAR, True),
        ("FY 24", D(2024, 1, 1), D(2024, 12, 31), Granularity.YEAR, True),
        ("fiscal year 2023", D(2023, 1, 1), D(2023, 12, 31), Granularity.YEAR, True),
        ("fiscal 2022", D(2022, 1, 1), D(2022, 12, 31), Granularity.YEAR, True),
        ("H1 2024", D(2024, 1, 1), D(2024, 6, 30), Granularity.HALF, False),
        ("the second half of 2022", D(2022, 7, 1), D(2022, 12, 31), Granularity.HALF, False),
        ("March 5, 2024", D(2024, 3, 5), D(2024, 3, 5), Granularity.DAY, False),
        ("5 March 2024", D(2024, 3, 5), D(2024, 3, 5), Granularity.DAY, False),
        ("2024-03-05", D(2024, 3, 5), D(2024, 3, 5), Granularity.DAY, False),
        ("in the 1990s", D(1990, 1, 1), D(1999, 12, 31), Granularity.DECADE, False),
        ("during 2020-2021", D(2020, 1, 1), D(2021, 12, 31), Granularity.YEAR, False),
        # three months named by their ends, and the last quarter of a year named
        ("sales for the July-to-September quarter of 2026", D(2026, 7, 1), D(2026, 9, 30), Granularity.QUARTER,
         False),
        ("in the July–September 2026 quarter", D(2026, 7, 1), D(2026, 9, 30), Granularity.QUARTER, False),
        ("revenue (January–March 2024)", D(2024, 1, 1), D(2024, 3, 31), Granularity.QUARTER, False),
        ("the last quarter of 2026", D(2026, 10, 1), D(2026, 12, 31), Granularity.QUARTER, False),
        ("its final quarter of fiscal 2025", D(2025, 10, 1), D(2025, 12, 31), Granularity.QUARTER, True),
    ],
)
def test_absolute_periods(text: str, first: dt.date, last: dt.date, granularity: Granularity,
                          fiscal: bool) -> None:
    [period] = extract_periods(text)
    assert (period.first_day, period.last_day, period.granularity, period.fiscal) == (
        first, last, granularity, fiscal)
    assert text[period.start:period.end] == period.text


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("last year", D(2023, 1, 1), D(2023, 12, 31)),
        ("this year", D(2024, 1, 1), D(2024, 12, 31)),
        ("next year", D(2025, 1, 1), D(2025, 12, 31)),
        ("last quarter", D(2024, 1, 1), D(2024, 3, 31)),
        ("last month", D(2024, 4, 1), D(2024, 4, 30)),
        ("two years ago", D(2022, 1, 1), D(2022, 12, 31)),
        ("yesterday", D(2024, 5, 9), D(2024, 5, 9)),
    ],
)
def test_relative_periods_use_the_document_date(text: str, first: dt.date, last: dt.date) -> None:
    [period] = extract_periods(text, reference_date=D(2024, 5, 10))
    assert (period.first_day, period.last_day, period.relative) == (first, last, True)


def test_only_three_months_within_one_year_make_a_quarter() -> None:
    assert [(p.text, p.granularity) for p in extract_periods("from January to June 2024")] == [
        ("June 2024", Granularity.MONTH)]
    assert [p.text for p in extract_periods("the November-January 2026 quarter")] == ["January 2026"]
    assert [p.granularity for p in extract_periods("the last quarter")] == []  # relative: needs a date


def test_last_month_in_january_is_december_of_the_year_before() -> None:
    [period] = extract_periods("sales last month", reference_date=D(2024, 1, 15))
    assert (period.first_day, period.last_day) == (D(2023, 12, 1), D(2023, 12, 31))


def test_relative_periods_need_a_document_date() -> None:
    assert extract_periods("last year") == []


@pytest.mark.parametrize("text", ["$2,025 in fees", "2025% growth", "2025 million", "COVID-19", "the H100"])
def test_figures_are_not_years(text: str) -> None:
    assert extract_periods(text) == []


def test_several_periods_in_order() -> None:
    found = extract_periods("Revenue was $5B in 2024, up from $4B in 2023 and $3B in Q4 2022.")
    assert [p.text for p in found] == ["2024", "2023", "Q4 2022"]


@pytest.mark.parametrize(
    ("claimed", "found", "aligned"),
    [
        ("in 2025", "for fiscal 2025", True),
        ("in 2025", "in 2024", False),
        ("in 2025", "in Q3 2025", False),
        ("as of March 2024", "on March 31, 2024", True),
        ("Q3 2024", "3Q24", True),
    ],
)
def test_periods_align(claimed: str, found: str, aligned: bool) -> None:
    assert periods_align(extract_periods(claimed)[0], extract_periods(found)[0]) is aligned


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1970, max_value=2069), st.integers(min_value=1, max_value=4))
def test_quarter_forms_agree(year: int, quarter: int) -> None:
    ordinal = ["first", "second", "third", "fourth"][quarter - 1]
    forms = [f"Q{quarter} {year}", f"{quarter}Q{year % 100:02d}", f"the {ordinal} quarter of {year}"]
    spans = {(p.first_day, p.last_day) for form in forms for p in extract_periods(form)}
    assert len(spans) == 1


@settings(max_examples=300, deadline=None)
@given(st.text(), st.dates())
def test_never_raises_on_arbitrary_text(text: str, reference: dt.date) -> None:
    for period in extract_periods(text, reference_date=reference):
        assert period.first_day <= period.last_day


def test_a_filings_months_ended_is_the_span_that_ends_that_day() -> None:
    import datetime as dt

    from service.figures import extract_periods, periods_align

    quarter = extract_periods("Revenue for the Three Months Ended September 30, 2025")[0]
    nine = extract_periods("the nine months ended September 30, 2024")[0]
    fiscal = extract_periods("in the fiscal year ended June 30, 2024")[0]

    assert (quarter.first_day, quarter.last_day) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert periods_align(extract_periods("in the third quarter of 2025")[0], quarter)
    assert (nine.first_day, nine.last_day) == (dt.date(2024, 1, 1), dt.date(2024, 9, 30))
    assert (fiscal.first_day, fiscal.last_day, fiscal.fiscal) == (dt.date(2023, 7, 1), dt.date(2024, 6, 30), True)
    assert [p.text for p in extract_periods("From 2025-03 on, the log says")] == ["2025-03"]
