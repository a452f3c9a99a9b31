"""service/figures/profit_loss.py: a claimed profit against a reported loss for the same company and period (and
the other way round) is refuted by the figures engine; anything less certain is left alone."""

from __future__ import annotations

import numpy as np
import pytest

from index.store import Snapshot
from service.domain import Document, Label, Passage
from service.figures.numeric_check import check_numbers
from service.figures.profit_loss import LOSS, PROFIT, opposite_result, result_said

pytestmark = pytest.mark.unit

LOSS_2025 = "Northwind reported a net loss of $6.4 billion for 2025, its third loss-making year in a row."
PROFIT_2025 = "Veridian posted a net profit of $120 million in 2025."


def passages(*texts: str) -> list[Passage]:
    return [Passage(f"d{i}.md", 0, len(text), text, 1.0) for i, text in enumerate(texts)]


@pytest.mark.parametrize(("text", "result"), [
    ("Northwind was profitable in 2025.", PROFIT),
    ("Northwind made a profit in 2025.", PROFIT),
    ("Northwind lost money in 2025.", LOSS),
    ("Northwind was not profitable in 2025.", LOSS),
    (LOSS_2025, LOSS),
    ("Northwind did not post a net loss in 2025.", None),  # negated: no result said
    ("Northwind may become profitable in 2026.", None),
    ("Northwind swung from a net loss to a net profit of $5 million.", None),  # both
    ("Northwind's revenue rose 20% in 2025.", None),
])
def test_the_result_a_text_says(text: str, result: str | None) -> None:
    assert result_said(text) == result


@pytest.mark.parametrize(("claim", "texts", "opposite"), [
    ("Northwind was profitable in 2025.", [LOSS_2025], True),
    ("Veridian lost money in 2025.", [PROFIT_2025], True),
    ("Northwind lost money in 2025.", [LOSS_2025], False),  # the same result: not for this rule to support
    ("Northwind was profitable in 2024.", [LOSS_2025], False),  # another period
    ("Veridian was profitable in 2025.", [LOSS_2025], False),  # someone else's loss
    ("Northwind was profitable in 2025.", ["A viral post claimed Northwind posted a net loss for 2025."], False),
    ("Northwind was profitable in 2025.", ["Northwind's cloud unit posted a net loss in 2025."], False),  # a part
])
def test_a_claimed_result_is_opposed_only_by_the_same_company_and_period(claim: str, texts: list[str],
                                                                          opposite: bool) -> None:
    assert (opposite_result(claim, passages(*texts)) is not None) is opposite


def test_the_figures_engine_refutes_a_claimed_profit_with_the_loss_cited() -> None:
    snapshot = Snapshot("v1", "fake", 1, {}, {"d0.md": Document("d0.md", LOSS_2025)}, [], np.zeros((0, 1)))

    finding = check_numbers("Northwind was profitable in 2025.", passages(LOSS_2025), snapshot)

    assert finding.decision is Label.REFUTED
    assert finding.rationale == "The claim says a profit; the source reports a loss for it."
    assert finding.comparisons[-1].citation is not None and finding.comparisons[-1].citation.quote == LOSS_2025
