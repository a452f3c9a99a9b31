"""A change claimed by its direction alone ("the price rose between September 2023 and September 2024"): read from
the claim, checked against the two figures the evidence gives (also across two sentences that follow each other),
and never a support for what the claim says beyond the direction."""

from __future__ import annotations

import pytest

from service.domain import Passage, Relation
from service.figures.derived import read_derived
from service.figures.derived_check import check_derived
from tests.unit.service.figures.sentences import following

pytestmark = pytest.mark.unit

SURVEY = ["The cheapest on-demand H100 in the survey was offered by Stratus GPU at $2.49 per hour.",
          "A year earlier, in September 2023, the same provider charged $3.40 per hour for an H100."]
HARBOR = ("HARBOR › Revenue — Three Months Ended September 30, 2025: $48,210 thousand; Three Months Ended "
          "September 30, 2024: $41,730 thousand")
COST_ROW = ("HARBOR › Cost of revenue — Three Months Ended September 30, 2025: $30,100 thousand; Three Months Ended "
            "September 30, 2024: $31,900 thousand")


@pytest.mark.parametrize(("claim", "relation"), [
    ("Stratus GPU's on-demand H100 price rose between September 2023 and September 2024.", Relation.CONTRADICTS),
    ("Stratus GPU's on-demand H100 price fell between September 2023 and September 2024.", Relation.CONSISTENT),
])
def test_a_change_stated_across_two_following_sentences_is_computed(claim: str, relation: Relation) -> None:
    sentences = following(*SURVEY, doc_id="survey.txt", start=500)

    found = check_derived(read_derived(claim), claim, sentences)  # type: ignore[arg-type]

    assert found is not None and found.relation is relation
    assert found.arithmetic == "$2.49 vs $3.4 is -26.8%"
    # each operand cites the sentence that states it, not the two joined
    assert [(figure.text, passage.text) for figure, passage in found.operands] == [("$2.49", SURVEY[0]),
                                                                                  ("$3.40", SURVEY[1])]


def test_sentences_that_do_not_follow_each_other_are_not_joined() -> None:
    claim = "Stratus GPU's on-demand H100 price rose between September 2023 and September 2024."
    apart = [Passage("survey.txt", 500, 500 + len(SURVEY[0]), SURVEY[0], 1.0),
             Passage("survey.txt", 900, 900 + len(SURVEY[1]), SURVEY[1], 1.0)]

    assert check_derived(read_derived(claim), claim, apart) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("claim", "relation"), [
    ("Harbor's revenue increased in the three months ended September 30, 2025.", Relation.CONSISTENT),
    ("Harbor's revenue declined in the three months ended September 30, 2025 compared with a year earlier.",
     Relation.CONTRADICTS),
])
def test_a_direction_is_checked_against_the_table_row_of_its_measure(claim: str, relation: Relation) -> None:
    derived = read_derived(claim)
    found = check_derived(derived, claim, [Passage("harbor.md", 0, len(HARBOR), HARBOR, 1.0)])  # type: ignore[arg-type]

    assert found is not None and found.relation is relation
    assert found.arithmetic == "$48.21M vs $41.73M is +15.5%"


def test_a_row_that_names_more_than_the_measure_is_not_its_figures() -> None:
    claim = "Harbor's revenue increased in the three months ended September 30, 2025."
    row = Passage("harbor.md", 0, len(COST_ROW), COST_ROW, 1.0)

    assert check_derived(read_derived(claim), claim, [row]) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(("claim", "supports"), [
    ("Gross margin declined in fiscal 2024.", True),
    ("Revenue increased sharply in 2023.", False),        # "sharply" is a size the direction does not bear out
    ("The company increased its marketing expenses in 2023.", True),
    ("Revenue grew in 2025, driven by new customers.", False),
    ("Revenue grew in 2025 primarily due to higher prices.", False),
    ("Revenue grew in 2025 while costs fell.", False),
])
def test_a_direction_supports_only_a_claim_that_says_no_more(claim: str, supports: bool) -> None:
    derived = read_derived(claim)

    assert derived is not None and derived.kind == "change" and derived.supports is supports


@pytest.mark.parametrize("claim", [
    "The loss was due to increased competition.",          # a participle describing something else
    "Increased costs weighed on margins in 2024.",
    "The company reported an increased net loss in 2023.",
    "Revenue increased by $5 million in 2023.",            # a size no reader computes: the direction is not enough
    "The operating margin increased by 2.3 percentage points in 2024.",
    "The share price rose after the results.",
    "Revenue increased by half in 2023.",                  # a size, in words
    "Revenue increased in 2023 by double digits.",
    "The company grew in 2023.",                           # no measure to find the figures of
    "Orison declined to disclose its 2023 revenue.",       # "declined to", not a fall
])
def test_words_that_claim_no_direction_of_a_measure_are_not_read_as_one(claim: str) -> None:
    assert read_derived(claim) is None


def test_a_stated_pair_of_other_periods_is_no_change_of_the_claimed_ones() -> None:
    claim = "Stratus GPU's on-demand H100 price rose between 2019 and 2020."
    dated = ["Stratus GPU's on-demand H100 price was $2.49 per hour in September 2024.",
             "A year earlier, the same provider charged $3.40 per hour for an H100."]

    sentences = following(*dated, doc_id="survey.txt")

    assert check_derived(read_derived(claim), claim, sentences) is None  # type: ignore[arg-type]


def test_each_figure_of_the_pair_must_tell_of_the_measure_when_one_pair_does() -> None:
    claim = "Veridian's revenue fell in 2024."
    text = "Veridian raised $4 billion in 2024; its revenue was $0.5 billion in 2024 and $1 billion in 2023."

    found = check_derived(read_derived(claim), claim, following(text))  # type: ignore[arg-type]

    assert found is not None and found.relation is Relation.CONSISTENT  # $0.5B against $1B, not the $4B raised
    assert found.arithmetic == "$500M vs $1B is -50.0%"
