"""Which two figures a change is computed from, read the way filings state them: a balance at a year's end for a
claim about the year, each sentence's own period (not the next one's), the first figures of the two periods in one
unit, a row label with its explanation in brackets, and a bare percentage cut off rather than rounded at its
last digit (no conflict, no support)."""

from __future__ import annotations

import pytest

from service.domain import Passage, Relation
from service.figures.change_pairs import levels
from service.figures.derived import read_derived
from service.figures.derived_check import check_derived
from tests.unit.service.figures.sentences import following

pytestmark = pytest.mark.unit

CAPITALIZATION = ("Our liquidity and capital resources are summarized below › Total capitalization (total debt plus "
                  "stockholders’ equity) — December 31, 2023: $1,524 million; December 31, 2022: $1,682 million")
NOI = ("Below are the components of Strategic Capital Segment NOI for the three months ended March 31 (in millions) › "
       "Strategic Capital Segment – NOI — 2024: $50 million; 2023: $63 million")
CREDITS = ["For the year ended December 31, 2022, we claimed $11 million of Federal Energy Credits.",
           "For the year ended December 31, 2023, we have estimated $3 million of Federal Energy Credits within our "
           "income tax provision."]
COST = "Cost of sales › Cost of sales — Year ended December 31, 2023: $26,428; Year ended December 31, 2022: $43,891"


def one(text: str) -> list[Passage]:
    return [Passage("filing.md", 0, len(text), text, 1.0)]


def checked(claim: str, passages: list[Passage]) -> tuple[Relation, str] | None:
    found = check_derived(read_derived(claim), claim, passages)  # type: ignore[arg-type]
    return (found.relation, found.arithmetic) if found else None


def test_a_claim_about_a_year_reads_a_balance_at_its_end() -> None:
    claim = "The percentage decrease in total capitalization from 2022 to 2023 is approximately 9.40%."

    assert checked(claim, one(CAPITALIZATION)) == (Relation.CONSISTENT, "$1.524B vs $1.682B is -9.4%")


def test_a_claim_about_two_year_ends_reads_a_balance_sheet_s_year_columns() -> None:
    """FinDVer dev (numeric-val-222): "from December 31, 2022 to December 31, 2023" against columns "2023" and
    "2022" under "Balance Sheets As of December 31, 2023 and 2022"."""
    row = ("Mobiquity Technology, Inc. Consolidated Balance Sheets As of December 31, 2023 and 2022 › Total Assets — "
           "2023: $4,199,094; 2022: $2,635,575")
    claim = ("The percentage increase in total assets of Mobiquity Technologies, Inc. from December 31, 2022 to "
             "December 31, 2023 is 59.3%.")

    assert checked(claim, one(row)) == (Relation.CONSISTENT, "$4.199M vs $2.636M is +59.3%")
    assert checked(claim.replace("December 31", "June 30"), one(row)) is None


def test_a_year_is_not_the_balance_of_a_day_other_than_its_last() -> None:
    row = CAPITALIZATION.replace("December 31", "June 30")
    claim = "The percentage decrease in total capitalization from 2022 to 2023 is approximately 9.40%."

    assert checked(claim, one(row)) is None


def test_the_pair_is_the_first_figures_of_the_two_periods_in_one_unit() -> None:
    # "three months" is a figure of neither period's column
    claim = "The percentage change in the Strategic Capital Segment NOI from 2023 to 2024 is -20.63%."

    assert checked(claim, one(NOI)) == (Relation.CONSISTENT, "$50M vs $63M is -20.6%")


def test_each_sentence_gives_its_own_figure_its_period() -> None:
    claim = "The percentage decrease in Federal Energy Credits from 2022 to 2023 is approximately 72.73%."

    assert checked(claim, following(*CREDITS)) == (Relation.CONSISTENT, "$3M vs $11M is -72.7%")


@pytest.mark.parametrize(("claimed", "relation"), [
    ("39.79%", Relation.CONSISTENT),      # -39.787% rounded
    ("39.78%", Relation.NOT_COMPARABLE),  # cut off at the last digit: FinDVer's labels take it either way
    ("39.77%", Relation.CONTRADICTS),
    ("39.80%", Relation.CONTRADICTS),
])
def test_a_bare_percentage_cut_off_at_its_last_digit_is_no_conflict(claimed: str, relation: Relation) -> None:
    claim = f"The percentage decrease in Cost of Sales between the years 2022 and 2023 was {claimed}."

    found = checked(claim, one(COST))

    assert found is not None and found[0] is relation


GOODWILL = ("Goodwill › Precision Conveyance — March 31, 2023: $120,000,000; December 31, 2023: $202,093,000")


@pytest.mark.parametrize(("claimed", "relation"), [
    ("$82,093,000", Relation.CONSISTENT),
    ("$82,593,000", Relation.CONTRADICTS),  # 0.6% off: a figure written to its last dollar holds to it
])
def test_a_net_increase_written_to_the_dollar_holds_to_the_dollar(claimed: str, relation: Relation) -> None:
    claim = (f"The net increase in goodwill for Precision Conveyance from March 31, 2023, to December 31, 2023, is "
             f"{claimed}.")

    found = checked(claim, one(GOODWILL))

    assert found is not None and found[0] is relation


def test_a_number_inside_a_period_and_the_size_of_a_stated_change_are_no_levels() -> None:
    """"Income taxes were $nil for the three months ended …, as compared to $nil for the three months ended …" is no
    pair 3 vs 3; the size of a stated change ("a decrease of approximately $30.2 million") is no level to pair
    (FinDVer dev, whole collection: both were read as changes and refuted true claims)."""
    nil = ("Income taxes were $nil for the three months ended December 31, 2023, as compared to $nil for the three "
           "months ended December 31, 2022.")
    swing = ("Net income was $3.8 million in 2023, compared to net income of $34.0 million in 2022, a decrease of "
             "approximately $30.2 million.")

    assert levels(nil) == []
    assert [q.value for q in levels(swing)] == [3.8e6, 34.0e6]
    claim = "The net income in 2023 was approximately 88.8% less than the net income in 2022."
    derived = read_derived(claim)
    assert derived is not None
    found = check_derived(derived, claim, one(swing))
    assert found is not None and (found.relation, found.arithmetic) == (Relation.CONSISTENT, "$3.8M vs $34M is -88.8%")
