"""A table row's figures as its table gives them (`service.claims.answer_rows`): quoted as written, read with
their column and their table's currency and scale."""

from __future__ import annotations

import pytest

from index.structure import Outline
from service.claims.answer_rows import column_name, with_row_units
from service.claims.answers import extract_answer
from service.domain import Document, Passage
from service.figures import extract_quantities

pytestmark = pytest.mark.unit

PRICES = Document("prices.md", "# GPU cloud prices\n\nPrices in USD per GPU-hour, Linux, excluding storage, "
                  "networking and egress. \"Reserved\" prices assume a prepaid commitment.\n\n"
                  "| Provider | Region | GPUs per instance | On-demand | 1-year reserved |\n|---|---|---|---|---|\n"
                  "| Oxwick Compute | EU South (Madrid, Spain) | 8 | 2.65 | 2.05 |\n", title="GPU cloud prices")
ROW = "| Oxwick Compute | EU South (Madrid, Spain) | 8 | 2.65 | 2.05 |"


def row_passage(document: Document, row: str) -> Passage:
    start = document.text.index(row)
    end = start + len(row)
    reading = Outline.of(document.text).reading(start, end)
    return Passage(document.doc_id, start, end, row, 0.6, {"dense": 0.6}, reading=reading)


def test_a_bare_figure_takes_its_tables_currency_and_column() -> None:
    passage = row_passage(PRICES, ROW)
    figures = with_row_units(passage, extract_quantities(ROW))

    by_text = {figure.text.strip(): figure for figure in figures}
    assert (by_text["2.65"].unit, by_text["2.65"].value) == ("USD", 2.65)
    assert by_text["8"].unit in (None, "count")  # GPUs per instance: a count, not money
    assert column_name(passage, by_text["2.05"]) == "1-year reserved"
    assert by_text["2.65"].start == ROW.index("2.65")  # still quoted where the row writes it


def test_a_sentence_keeps_its_figures() -> None:
    sentence = "Oxwick charges 2.65 an hour."
    passage = Passage("x", 0, len(sentence), sentence, 0.6, {"dense": 0.6})

    assert with_row_units(passage, extract_quantities(sentence)) == extract_quantities(sentence)


def test_what_a_table_row_costs_is_answered_in_its_tables_currency() -> None:
    found = extract_answer("What does it cost per hour to rent a GPU on demand in Oxwick's Spanish region?",
                           [row_passage(PRICES, ROW)], {PRICES.doc_id: PRICES}, relevance=[0.6])

    assert found is not None and (found.value, found.written) == ("$2.65", "2.65")


def test_a_row_that_repeats_digits_gives_each_its_own_column() -> None:
    row = "| Oxwick Compute | EU South (Madrid, Spain) | 8 | 8 | 6 |"
    document = Document("prices.md", PRICES.text.replace(ROW, row), title="GPU cloud prices")
    passage = row_passage(document, row)
    figures = with_row_units(passage, extract_quantities(row))

    assert [(column_name(passage, q), q.unit) for q in figures] == [
        ("GPUs per instance", None), ("On-demand", "USD"), ("1-year reserved", "USD")]


def test_a_figure_the_fact_writes_with_more_digits_keeps_its_column() -> None:
    document = Document("clusters.md", "## Our clusters\n\n| Cluster | GPUs | Power |\n|---|---|---|\n"
                        "| Kestrel | 12,288 H100 | 17 MW |\n", title="clusters")
    row = "| Kestrel | 12,288 H100 | 17 MW |"
    passage = row_passage(document, row)

    assert [column_name(passage, q) for q in extract_quantities(row)] == ["GPUs", "Power"]
