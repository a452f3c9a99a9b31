"""A change someone makes to a figure ("cut its reserved H100 price by 10 percent") is read as a change, its object
naming what is measured; and a change the arithmetic could not check is borne out only by a percentage the
evidence gives as a change, not by one it says of something else (the demo's c28)."""

from __future__ import annotations

import numpy as np
import pytest

from index.store import Snapshot
from service.domain import Document, Passage
from service.figures.derived import read_derived
from service.figures.numeric_check import NumericFinding, check_numbers

pytestmark = pytest.mark.unit

CLAIM = "Bergwerk Cloud cut its reserved H100 price by 10 percent compared with its September 2023 rate."


def check(claim: str, *texts: str) -> NumericFinding:
    documents = {f"d{i}.md": Document(f"d{i}.md", text) for i, text in enumerate(texts)}
    snapshot = Snapshot("v1", "fake", 1, {}, documents, [], np.zeros((0, 1)))
    return check_numbers(claim, [Passage(f"d{i}.md", 0, len(text), text, 1.0) for i, text in enumerate(texts)],
                         snapshot)


@pytest.mark.parametrize(("claim", "down", "measure"), [
    (CLAIM, True, {"price", "reserved", "h100"}),
    ("Acme raised its prices by 12% in 2025.", False, {"price"}),
    ("Stratus slashed GPU rental fees by about 20 percent.", True, {"gpu", "rental", "fee"}),
])
def test_a_change_someone_makes_is_a_change(claim: str, down: bool, measure: set[str]) -> None:
    derived = read_derived(claim)

    assert derived is not None and derived.kind == "change"
    assert derived.low is not None and (derived.low < 1) == down
    assert measure <= derived.words


def test_a_cut_of_something_is_not_a_made_change() -> None:
    derived = read_derived("Acme cut 10% of its workforce in 2025.")  # no "by": a share of its staff

    assert derived is not None and derived.kind == "share"


def test_a_change_is_borne_out_only_by_a_change() -> None:
    egress = "Prices exclude storage and network egress, which can add 10 to 20 percent to a typical training bill."
    said = "In January Bergwerk Cloud cut its reserved H100 price by 10 percent."

    assert check(CLAIM, egress).unmatched  # "10 to 20 percent" is what egress adds, no cut
    assert not check(CLAIM, egress, said).unmatched
    assert not check(CLAIM, "Bergwerk's reserved H100 rate is now 10% lower than in September 2023.").unmatched
