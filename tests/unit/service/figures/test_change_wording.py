"""Changes as filings' readers word them (FinDVer dev shapes, our own companies and figures): "the percentage change
in X for the three months ended … compared to 2022", "the Partnership's net change in X", "was a decrease of $N",
"N% less than in 2022", and a claim that says more than the change."""

from __future__ import annotations

import pytest

from service.domain import Passage, Relation
from service.figures.derived import read_derived
from service.figures.derived_check import check_derived
from service.figures.periods import extract_periods

pytestmark = pytest.mark.unit

QUARTERS = ("[Earnings per share] Net income available to common shareholders — Three months ended December 31, "
            "2023: $17,400 thousand; Three months ended December 31, 2022: $28,000 thousand")
WARRANTS = ("[Warrants] Intrinsic value of public warrants — December 31, 2023: $1,200,000; December 31, 2022: "
            "$3,870,000")
YEARS = "[Results] Net income — 2023: $4,400,000; 2022: $9,300,000"


def passages(*texts: str) -> list[Passage]:
    return [Passage(f"d{i}.md", 0, len(text), text, 1.0) for i, text in enumerate(texts)]


def checked(claim: str, text: str) -> tuple[Relation, str] | None:
    derived = read_derived(claim)
    assert derived is not None
    found = check_derived(derived, claim, passages(text))
    return (found.relation, found.arithmetic) if found else None


def test_a_span_ending_on_a_day_is_read_as_ended() -> None:
    (period,) = extract_periods("for the three months ending December 31, 2023")

    assert (period.first_day.isoformat(), period.last_day.isoformat()) == ("2023-10-01", "2023-12-31")


@pytest.mark.parametrize(("claim", "relation"), [
    ("The decrease in net income available to common shareholders for the three months ending December 31, 2023 "
     "compared to 2022 is 37.86%.", Relation.CONSISTENT),
    ("The percentage change in Harlow Foods' net income available to common shareholders for the three months "
     "ended December 31, 2023 compared to 2022 is -45%.", Relation.CONTRADICTS),
])
def test_a_quarter_compared_to_the_year_before_is_measured_against_the_same_quarter(claim: str,
                                                                                    relation: Relation) -> None:
    assert checked(claim, QUARTERS) == (relation, "$17.4M vs $28M is -37.9%")


def test_a_change_named_by_its_owner_reads_the_measure_without_the_owner() -> None:
    derived = read_derived("The Partnership's net change in ending equity from 2022 to 2023 is precisely -9.63%.")

    assert derived is not None and derived.kind == "change" and derived.words == {"ending", "equity"}
    assert derived.base is not None and derived.base.text == "2022"


@pytest.mark.parametrize(("claim", "relation"), [
    ("The change in the intrinsic value of public warrants from December 31, 2022 to December 31, 2023 was a "
     "decrease of $2,670,000.", Relation.CONSISTENT),
    ("The change in the intrinsic value of public warrants from December 31, 2022 to December 31, 2023 was an "
     "increase of $2,670,000.", Relation.CONTRADICTS),
])
def test_a_change_whose_direction_is_said_before_its_amount(claim: str, relation: Relation) -> None:
    assert checked(claim, WARRANTS) == (relation, "$1.2M − $3.87M = -$2.67M")


def test_a_percentage_less_than_another_year_is_a_change() -> None:
    claim = "The net income in 2023 was approximately 52.7% less than the net income in 2022."
    derived = read_derived(claim)

    assert derived is not None and derived.kind == "change" and derived.supports
    assert checked(claim, YEARS) == (Relation.CONSISTENT, "$4.4M vs $9.3M is -52.7%")


@pytest.mark.parametrize(("claim", "measure"), [
    ("The net income in 2023 was approximately 52.7% less than the net income in 2022, due to higher costs.",
     {"net", "income"}),
    ("The change in the intrinsic value of public warrants from December 31, 2022 to December 31, 2023 was a decrease "
     "of $2,670,000, which equals the loss the company recorded on them.", {"intrinsic", "value", "public", "warrant"}),
])
def test_a_claim_that_says_more_than_its_change_is_not_supported_by_the_change_alone(claim: str,
                                                                                     measure: set[str]) -> None:
    derived = read_derived(claim)

    assert derived is not None and not derived.supports
    assert derived.words - {"company"} == measure  # the reason is not the measure


@pytest.mark.parametrize("claim", [
    "The change in the intrinsic value of public warrants from December 31, 2022 to December 31, 2023 was a decrease "
    "of $2,670,000 year over year.",
    "The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is 27.31% (unaudited).",
])
def test_a_change_followed_only_by_its_period_or_a_note_still_supports(claim: str) -> None:
    derived = read_derived(claim)

    assert derived is not None and derived.supports


REVENUE = "[Results] Revenue — 2023: $15,000,000; 2022: $10,000,000; 2021: $8,000,000"


@pytest.mark.parametrize(("claim", "relation"), [
    ("The change in revenue for 2023 compared to 2021 was an increase of $7 million.", Relation.CONSISTENT),
    ("The change in revenue for 2023 compared to 2021 was an increase of $5 million.", Relation.CONTRADICTS),
    ("The percentage increase in revenue for fiscal 2023 compared to fiscal 2021 is 87.5%.", Relation.CONSISTENT),
])
def test_a_year_compared_to_another_is_measured_against_that_one(claim: str, relation: Relation) -> None:
    found = checked(claim, REVENUE)

    assert found is not None and found[0] is relation and "$8M" in found[1]


@pytest.mark.parametrize("claim", [
    "Gross margin in 2023 was 2.5 percentage points lower than in 2022.",  # a gap between rates
    "In 2023, Acme's revenue was 20% higher than Beta's revenue.",  # against another company, not a period
])
def test_a_percentage_than_is_a_change_only_against_another_period(claim: str) -> None:
    derived = read_derived(claim)

    assert derived is None or derived.kind != "change"


def test_a_line_items_own_possessive_is_part_of_the_measure() -> None:
    derived = read_derived("The percentage increase in Stockholders' equity from 2022 to 2023 is 12.5%.")

    assert derived is not None and "stockholder" in derived.words


@pytest.mark.parametrize(("texts", "arithmetic"), [
    # Climate-FEVER dev: "2 of 36 is 5.6%" from "CO 2 emissions" and "36 countries" refuted the claim
    (["Between 1970 and 2004, global growth in annual CO 2 emissions was driven by Asia.",
      "The 36 countries that were committed to emission reductions accounted for 24% of total annual emissions."],
     None),
    (["Alder holds 6,144 GPUs.", "Wren's GPUs number 18,432 GPUs in all."], "6,144 of 18,432 is 33.3%"),
])
def test_a_number_in_a_name_or_a_formula_is_no_count_to_take_a_share_of(texts: list[str],
                                                                        arithmetic: str | None) -> None:
    claim = "Global emissions in Alder are only 3 per cent of total annual emissions." if arithmetic is None else \
        "About a third of Wren's GPUs are in Alder."
    derived = read_derived(claim)
    assert derived is not None and derived.kind == "share"

    found = check_derived(derived, claim, passages(*texts))

    assert (found.arithmetic if found else None) == arithmetic
