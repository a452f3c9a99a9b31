"""An amount per thing ("about $60,000 per GPU") computed from the amount and the count a passage gives, with the
arithmetic shown and both operands cited; compared as stated whenever the passage gives the amount per thing
itself, and never computed from figures that do not line up."""

from __future__ import annotations

import numpy as np
import pytest

from index.store import Snapshot
from service.domain import Document, Label, Passage, Relation
from service.figures.derived import read_derived
from service.figures.derived_check import check_derived
from service.figures.numeric_check import check_numbers

pytestmark = pytest.mark.unit

BOUGHT = "Orison paid $1.2 billion for 20,000 H100 GPUs for its Fremont cluster."


def one(text: str) -> list[Passage]:
    return [Passage("orison.md", 0, len(text), text, 1.0)]


def checked(claim: str, text: str) -> tuple[Relation, str] | None:
    found = check_derived(read_derived(claim), claim, one(text))  # type: ignore[arg-type]
    return (found.relation, found.arithmetic) if found else None


@pytest.mark.parametrize(("claim", "relation"), [
    ("Orison's Fremont cluster cost about $60,000 per GPU.", Relation.CONSISTENT),
    ("Orison's Fremont cluster cost roughly $60,000 a GPU.", Relation.CONSISTENT),
    ("Orison's Fremont cluster cost about $200,000 per GPU.", Relation.CONTRADICTS),
])
def test_an_amount_per_thing_is_the_amount_over_the_count(claim: str, relation: Relation) -> None:
    assert checked(claim, BOUGHT) == (relation, "$1.2B / 20,000 GPU = $60,000 each")


@pytest.mark.parametrize("claim", ["Stratus charges $2.49 per hour.", "Diluted EPS was $1.23 per share.",
                                   "Net income was $1.23 per diluted share.", "Orison's cluster cost $1.2 billion.",
                                   "Haloform raised $40 million a source said."])
def test_a_rate_a_per_share_figure_or_a_plain_amount_is_no_amount_per_thing(claim: str) -> None:
    derived = read_derived(claim)

    assert derived is None or derived.kind != "per_unit"


@pytest.mark.parametrize(("claim", "text"), [
    ("Orison's Fremont cluster cost about $60,000 per GPU.",
     "Orison paid $1.2 billion for its Fremont cluster."),                                       # no count
    ("Orison's Fremont cluster cost about $60,000 per GPU.",
     "Orison paid $1.2 billion for 20,000 GPUs and $40 million for its Fremont cluster land."),  # two amounts
    ("Orison's Fremont cluster cost about $60,000 per GPU.",
     "Orison paid $1.2 billion for its 3 GPU clusters in Fremont."),                             # a count of clusters
    ("Orison's Fremont cluster cost about $60,000 per GPU in 2025.",
     "In 2024 Orison paid $1.2 billion for 20,000 GPUs for its Fremont cluster."),               # another period
    ("Corvid's clusters cost about $60,000 per GPU.",                                            # another sentence's
     "The three clusters cost $1.1 billion to build. Corvid plans to add 8,192 GPUs in 2026."),  # count
])
def test_no_computation_from_figures_that_do_not_line_up(claim: str, text: str) -> None:
    assert checked(claim, text) is None


def test_a_stated_amount_per_thing_is_compared_as_stated() -> None:
    claim = "Orison's Fremont cluster cost about $60,000 per GPU."
    text = "Orison's Fremont cluster cost $60,000 per GPU across its 20,000 GPUs."
    snapshot = Snapshot("v1", "fake", 1, {}, {"orison.md": Document("orison.md", text)}, [], np.zeros((0, 1)))

    finding = check_numbers(claim, one(text), snapshot)

    assert checked(claim, text) is None  # "$60,000 per GPU" is not divided by the 20,000 GPUs
    assert finding.decision is Label.SUPPORTED
    assert [c.evidence_value for c in finding.comparisons] == ["$60,000"]


def test_the_computed_amount_decides_and_cites_both_operands() -> None:
    claim = "Orison's Fremont cluster cost about $200,000 per GPU."
    snapshot = Snapshot("v1", "fake", 1, {}, {"orison.md": Document("orison.md", BOUGHT)}, [], np.zeros((0, 1)))

    finding = check_numbers(claim, one(BOUGHT), snapshot)

    assert finding.decision is Label.REFUTED
    assert "$1.2B / 20,000 GPU = $60,000 each" in finding.rationale


FLEET = ["[Fleet] Larch — GPUs: 4,096 GPUs; Power (MW): 6 MW", "[Fleet] Rowan — GPUs: 8,192 GPUs; Power (MW): 12 MW",
         "[Fleet] Yew — GPUs: 4,096 GPUs; Power (MW): 6 MW"]


def fleet(*texts: str) -> list[Passage]:
    return [Passage("fleet.md", 100 * i, 100 * i + len(text), text, 1.0) for i, text in enumerate(texts)]


@pytest.mark.parametrize(("claim", "relation"), [
    ("Wren's clusters cost about $60,000 per GPU.", Relation.CONSISTENT),
    ("Wren's clusters cost about $200,000 per GPU.", Relation.CONTRADICTS),
])
def test_an_amount_for_a_tables_rows_is_over_the_sum_of_their_column(claim: str, relation: Relation) -> None:
    """"The three clusters cost $960 million" over a table of three clusters, each with its GPUs (derived gold
    d35, d36): $960M / 16,384 GPUs."""
    found = check_derived(read_derived(claim), claim,  # type: ignore[arg-type]
                          fleet("The three clusters cost $960 million to build.", *FLEET))

    assert found is not None and (found.relation, found.arithmetic) == (
        relation, "$960M / (4,096 + 8,192 + 4,096) GPU = $58,594 each")
    assert len(found.operands) == 4  # the amount and every row cited


@pytest.mark.parametrize("rows", [FLEET[:2], [*FLEET, "[Fleet] Ash — GPUs: 2,048 GPUs; Power (MW): 3 MW"]])
def test_a_column_is_not_summed_unless_the_rows_are_as_many_as_the_sentence_says(rows: list[str]) -> None:
    claim = "Wren's clusters cost about $60,000 per GPU."

    assert check_derived(read_derived(claim), claim,  # type: ignore[arg-type]
                         fleet("The three clusters cost $960 million to build.", *rows)) is None
