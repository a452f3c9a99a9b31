"""The percentage change of a figure that is itself a percentage ("the percentage decrease in the net retention
rate … is 6.48%", FinDVer dev): computed from the two percentages only where the claim asks for the percentage
change, and never called a conflict where the claimed figure is their gap in points; and the dates such a filing
lists with one day or year-end for all ("January 31, 2024 and 2023")."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from service.domain import Passage, Relation
from service.figures.change_pairs import changes_in, levels
from service.figures.derived import read_derived
from service.figures.derived_check import check_derived
from service.figures.periods import extract_periods

pytestmark = pytest.mark.unit

RETENTION = "Our net retention rate was approximately 101% and 108% as of January 31, 2024 and 2023, respectively."
MARGIN = "Gross margin was 30.0% in 2023, compared with 25.0% in 2022."


def checked(claim: str, text: str) -> tuple[Relation, str] | None:
    derived = read_derived(claim)
    assert derived is not None
    found = check_derived(derived, claim, [Passage("d.md", 0, len(text), text, 1.0)])
    return (found.relation, found.arithmetic) if found else None


def test_the_percentage_change_of_a_rate_is_computed_from_the_two_rates() -> None:
    # "January 31, 2024 and 2023": the second date is January 31, 2023
    claim = "The percentage decrease in the net retention rate from January 31, 2023, to January 31, 2024, is 6.48%."

    assert checked(claim, RETENTION) == (Relation.CONSISTENT, "101% vs 108% is -6.5%")


@pytest.mark.parametrize(("claim", "expected"), [
    ("The percentage increase in gross margin from 2022 to 2023 is 20.0%.",
     (Relation.CONSISTENT, "30% vs 25% is +20.0%")),
    ("The percentage increase in gross margin from 2022 to 2023 is 12.0%.",
     (Relation.CONTRADICTS, "30% vs 25% is +20.0%")),
    # 5.0 is the gap in points: whether the claim means points or a change of 20% cannot be told
    ("The percentage increase in gross margin from 2022 to 2023 is 5.0%.", None),
])
def test_a_conflict_is_no_conflict_where_the_claim_may_mean_points(claim: str,
                                                                   expected: tuple[Relation, str] | None) -> None:
    assert checked(claim, MARGIN) == expected


def test_percentages_are_no_operands_unless_the_percentage_change_is_asked_for() -> None:
    assert checked("Gross margin rose 20% from 2022 to 2023.", MARGIN) is None


def test_a_share_of_a_measure_is_no_level_of_it() -> None:
    """FinDVer dev: "92% and 83% of our cash" are shares of cash, not its balance; nor is "the costs of incentives,
    as a percentage of net sales" a level of the cost of sales."""
    cash = ("Approximately 92% and 83% of our cash and cash equivalents balance at December 31, 2023 and 2022, "
            "respectively, was held by our non-U.S. subsidiaries.")
    incentives = ("The costs of incentives, as a percentage of net sales, decreased to 2.0% for the year ended "
                  "December 31, 2023, as compared to 2.2% for the same period in 2022.")

    assert checked("The percentage decrease in cash and cash equivalents from December 31, 2022, to December 31, "
                   "2023, is approximately 1.04%.", cash) is None
    assert checked("The percentage decrease in Cost of Sales between the years 2022 and 2023 was 39.78%.",
                   incentives) is None


def test_a_rate_that_fell_bears_out_no_increase_in_points_either() -> None:
    churn = "Our churn rate was 10% in 2023, compared with 12% in 2022."

    assert checked("The percentage increase in the churn rate from 2022 to 2023 is 2%.", churn) == (
        Relation.CONTRADICTS, "10% vs 12% is -16.7%")


def test_a_year_that_opens_a_phrase_is_not_the_day_before_it() -> None:
    # "January 1, 2023, and 2024 results": 2024 is the year, not January 1, 2024
    text = "Our net retention rate was 101% on January 1, 2023, and 2024 results put it at 108%."

    assert checked("The percentage increase in the net retention rate from January 1, 2023, to January 1, 2024, "
                   "is 6.93%.", text) is None


def test_a_year_listed_after_a_fiscal_year_is_the_fiscal_year_before() -> None:
    # "the fiscal years ended January 31, 2024 and 2023": the second is February 2022 to January 2023
    text = "Net sales for the fiscal years ended January 31, 2024 and 2023 were $5.2 billion and $4.8 billion, " \
           "respectively."
    year = extract_periods("the fiscal year ended January 31, 2024")[0]
    before = replace(year, first_day=dt.date(2022, 2, 1), last_day=dt.date(2023, 1, 31))

    pairs = changes_in(text, levels(text), year, before)

    assert [(new.value, old.value) for new, old in pairs] == [(5.2e9, 4.8e9)]
