"""The query forms bench/retrieval.py measures (eval/query_forms.py): what each form searches, and the fusion of
their rankings."""

from __future__ import annotations

import pytest

from eval.query_forms import QueryForm, fuse, query_texts
from service.domain import Passage

pytestmark = pytest.mark.unit

CLAIM = "Northwind Labs spent $6.4 billion on 12,288 H100 GPUs in 2025."


def test_the_written_form_is_the_claim() -> None:
    assert query_texts(CLAIM, QueryForm.WRITTEN) == [CLAIM]


def test_the_boosted_form_says_names_and_figures_again() -> None:
    [text] = query_texts(CLAIM, QueryForm.BOOSTED)

    assert text == f"{CLAIM} Northwind Labs H100 GPUs 6.4 12,288 2025"  # not "100" of H100, nor a first "The"
    assert query_texts("The cat sat on the mat.", QueryForm.BOOSTED) == ["The cat sat on the mat."]
    assert query_texts("COVID-19 spreads in 80% of homes.", QueryForm.BOOSTED) == [
        "COVID-19 spreads in 80% of homes. COVID-19 80%"]


def test_the_parts_form_searches_the_claim_then_each_part() -> None:
    claim = "Northwind opened a plant in Reno in 2021 and closed its Austin office in 2023."

    texts = query_texts(claim, QueryForm.PARTS)

    assert texts[0] == claim and len(texts) == 3
    assert query_texts("Northwind opened a plant in Reno.", QueryForm.PARTS) == ["Northwind opened a plant in Reno."]


def passage(doc: str, start: int) -> Passage:
    return Passage(doc, start, start + 1, "x", 0.5)


def test_fusion_ranks_by_reciprocal_rank_and_keeps_first_seen_on_ties() -> None:
    a, b, c = passage("a", 0), passage("b", 0), passage("c", 0)

    assert fuse([[a, b]], 1) == [a]
    assert fuse([[a, b, c], [c, b]], 3) == [c, b, a]  # c: 1/63 + 1/61 > b: 2/62 > a: 1/61
    assert fuse([[a, b], [b, a]], 2) == [a, b]  # a tie: the first ranking's order
