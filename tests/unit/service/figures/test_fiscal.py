"""A document's fiscal calendar: where it says its year ends, and its fiscal periods put on the calendar, for the
figures engine and for `ask`."""

from __future__ import annotations

import datetime as dt

import pytest

from service.claims.answers import extract_answer
from service.domain import Document, Passage, Relation
from service.figures.fiscal import fiscal_year_end, on_calendar
from service.figures.numeric import match_numbers
from service.figures.periods import extract_periods

pytestmark = pytest.mark.unit

RESULTS = ("Merrowfield Networks today reported results for the second quarter of fiscal 2027, which ended on 31 July "
           "2026. Revenue for the second quarter of fiscal 2027 was $884.6 million, up 47% from $601.8 million in "
           "the second quarter of fiscal 2026. Revenue in the first quarter of fiscal 2027 was $792.3 million.")


@pytest.mark.parametrize(("text", "month"), [
    ("Brightholm's fiscal year runs from 1 October to 30 September.", 9),
    ("Merrowfield's fiscal year ends on 31 January.", 1),
    ("Our financial year runs from 1 April to 31 March.", 3),
    ("Our fiscal year ending March 31 is our reporting period.", 3),
    ("For the fiscal year ended September 30, 2026, revenue rose.", 9),
    (RESULTS, 1),  # the second quarter ended in July: the year ends in January
    ("Revenue in fiscal 2026 was $3 billion.", None),  # fiscal, with no word of when its year ends
    ("The fiscal year ended December 31, 2025.", 12),  # the calendar year: its periods read as written
    ("Sales for the fiscal year to date through March 31, 2024 rose.", None),  # a span so far, not the year's end
    ("Sales for the fiscal year-to-date period ended March 31, 2024 rose.", None),
    ("In the third quarter of fiscal year 2025 ended March 31, 2025, sales rose.", 6),  # its third quarter ends then
    ("In fiscal year 2025 the contract ending March 2026 was renewed.", None),
])
def test_where_a_document_says_its_fiscal_year_ends(text: str, month: int | None) -> None:
    assert fiscal_year_end(text) == month


@pytest.mark.parametrize(("written", "year_end", "first", "last"), [
    ("the fourth quarter of fiscal 2026", 9, dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("fiscal 2026", 9, dt.date(2025, 10, 1), dt.date(2026, 9, 30)),
    ("Q1 FY2024", 6, dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
    ("the first half of fiscal 2027", 1, dt.date(2026, 2, 1), dt.date(2026, 7, 31)),
    ("the second quarter of fiscal 2027", 3, dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("the third quarter of 2026", 9, dt.date(2026, 7, 1), dt.date(2026, 9, 30)),  # no fiscal period: as written
    ("the fourth quarter of fiscal 2026", None, dt.date(2026, 10, 1), dt.date(2026, 12, 31)),  # no year end known
    ("the fiscal year ended December 31, 2025", 9, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),  # its stated end
    ("FY2025-26", 3, dt.date(2025, 4, 1), dt.date(2026, 3, 31)),  # named by both its years: ends in the second
    ("the 2025/26 financial year", 6, dt.date(2025, 7, 1), dt.date(2026, 6, 30)),
    ("fiscal 2025-26", None, dt.date(2026, 1, 1), dt.date(2026, 12, 31)),  # as "fiscal 2026" with no end known
])
def test_a_fiscal_period_on_the_calendar(written: str, year_end: int | None, first: dt.date, last: dt.date) -> None:
    period = on_calendar(extract_periods(written)[0], year_end)

    assert (period.first_day, period.last_day) == (first, last)


def test_a_claim_naming_the_months_of_a_fiscal_quarter_is_compared_with_its_figure() -> None:
    sentence = "Revenue for the second quarter of fiscal 2027 was $884.6 million."
    claim = "Merrowfield's revenue for the May-to-July 2026 quarter was $912 million."

    read = match_numbers(claim, sentence, year_end=1)
    unread = match_numbers(claim, sentence)

    assert read and read[0].period_aligned and read[0].relation is Relation.CONTRADICTS
    assert unread and unread[0].period_aligned is False  # without the calendar: another period's figure


def test_ask_answers_a_quarter_named_by_its_months_from_a_fiscal_quarter() -> None:
    document = Document("merrowfield.txt", RESULTS, title="Merrowfield results")
    sentence = ("Revenue for the second quarter of fiscal 2027 was $884.6 million, up 47% from $601.8 million in the "
                "second quarter of fiscal 2026.")
    start = RESULTS.index(sentence)
    passage = Passage(document.doc_id, start, start + len(sentence), sentence, 0.6, {"dense": 0.6})

    found = extract_answer("What were Merrowfield's sales for the May-to-July 2026 quarter?", [passage],
                           {document.doc_id: document})
    year_before = extract_answer("What were Merrowfield's sales for the May-to-July 2025 quarter?", [passage],
                                 {document.doc_id: document})

    assert found is not None and found.written == "$884.6 million"
    assert year_before is not None and year_before.written == "$601.8 million"


@pytest.mark.parametrize("text", ["in 2025-26 prices fell", "FY2025-27", "fiscal 2025-03"])
def test_two_years_that_do_not_follow_each_other_or_name_no_fiscal_year_are_no_split_fiscal_year(text: str) -> None:
    assert not any(period.fiscal and period.first_day.year == 2026 for period in extract_periods(text))


def test_a_fiscal_year_named_by_both_its_years_is_compared_with_the_same_year_named_by_its_end() -> None:
    sentence = "Revenue from operations in fiscal 2026 was ₹7,012 crore."

    right = match_numbers("Ushavan's revenue in FY2025-26 was ₹7,012 crore.", sentence, year_end=3)
    wrong = match_numbers("Ushavan's revenue in FY2025-26 was ₹7,500 crore.", sentence, year_end=3)
    year_before = match_numbers("Ushavan's revenue in FY2024-25 was ₹7,500 crore.", sentence, year_end=3)

    assert right and right[0].period_aligned and right[0].relation is Relation.CONSISTENT
    assert wrong and wrong[0].period_aligned and wrong[0].relation is Relation.CONTRADICTS
    assert year_before and year_before[0].period_aligned is False


@pytest.mark.parametrize(("text", "first", "last"), [
    ("Q1 FY2025-26 revenue", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),  # a quarter of the split year, not all of it
    ("H1 FY2025-26", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    ("the third quarter of fiscal 2025-26", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("FY 2009-10", dt.date(2010, 1, 1), dt.date(2010, 12, 31)),  # not October 2009
])
def test_a_split_fiscal_years_quarters_and_halves(text: str, first: dt.date, last: dt.date) -> None:
    period = extract_periods(text)[0]

    assert (period.first_day, period.last_day, period.fiscal) == (first, last, True)
