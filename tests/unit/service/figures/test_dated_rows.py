"""Changes across two dated rows of one table (`service.figures.dated_rows`): a filing's compensation table, whose
rows give each officer's year, and a table labelled by its years; the column the claim names, and only it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.domain import Passage, Relation
from service.figures.dated_rows import column_named, dated_row
from service.figures.derived import read_derived
from service.figures.derived_check import check_derived

pytestmark = pytest.mark.unit

_COLUMNS = ("Salary ($): {}; Bonus ($): {}; All other Compensation ($): {}; Total ($): {}")
COMPENSATION = [
    "49 Summary Compensation Table – Officers › Jay Kim Chief Executive Officer — Year: 2023; "
    + _COLUMNS.format("$150,000", "-0-", "$1,000", "$151,000"),
    "49 Summary Compensation Table – Officers › Jay Kim Chief Executive Officer — Year: 2022; "
    + _COLUMNS.format("$144,000", "$200,000", "$1,000", "$345,000"),
    "49 Summary Compensation Table – Officers › Stephan Kim Chief Financial Officer — Year: 2022; "
    + _COLUMNS.format("$83,000", "-0-", "-0-", "$83,000"),
]
EMI = ["Year Ended December 31 2023 — Receipts From EMI: $1,237,548; Cash Distributions to Unit Holders: $863,852",
       "Year Ended December 31 2022 — Receipts From EMI: $1,127,613; Cash Distributions to Unit Holders: $800,903"]


def rows(facts: list[str], doc_id: str = "report.md") -> list[Passage]:
    """Table rows as retrieval gives them: the row's characters, read as its fact."""
    out, at = [], 0
    for fact in facts:
        raw = "| " + fact.rpartition(" › ")[2].replace(" — ", " | ").replace("; ", " | ") + " |"
        out.append(Passage(doc_id, at, at + len(raw), raw, 1.0, reading=fact))
        at += len(raw) + 1
    return out


@pytest.mark.parametrize(("claim", "texts", "relation", "arithmetic"), [
    # FinDVer dev (numeric-val-29): the total column, not "All other Compensation", and not the salary
    ("The total compensation for Jay Kim increased by 237.5% from 2022 to 2023.", COMPENSATION,
     Relation.CONTRADICTS, "$151,000 vs $345,000 is -56.2%"),
    ("The total compensation for Jay Kim fell by about 56% from 2022 to 2023.", COMPENSATION,
     Relation.CONSISTENT, "$151,000 vs $345,000 is -56.2%"),
    ("Jay Kim's salary rose by about 4% from 2022 to 2023.", COMPENSATION,
     Relation.CONSISTENT, "$150,000 vs $144,000 is +4.2%"),
    # a table labelled by its years: "Year Ended December 31 2023" is the label's period
    ("Receipts from EMI rose 9.75% from 2022 to 2023.", EMI, Relation.CONSISTENT, "$1.238M vs $1.128M is +9.7%"),
    ("Cash distributions to unit holders rose 12% in 2023.", EMI, Relation.CONTRADICTS,
     "$863,852 vs $800,903 is +7.9%"),
])
def test_a_column_named_by_the_claim_is_compared_across_its_dated_rows(claim: str, texts: list[str],
                                                                         relation: Relation, arithmetic: str) -> None:
    derived = read_derived(claim)
    assert derived is not None

    found = check_derived(derived, claim, rows(texts))

    assert found is not None and (found.relation, found.arithmetic) == (relation, arithmetic)
    assert {passage.reading for _, passage in found.operands} <= set(texts)  # each operand cites its own row


@pytest.mark.parametrize(("claim", "passages"), [
    # the claim names no column ("pay" is none of them)
    ("Jay Kim's pay rose by about 4% from 2022 to 2023.", rows(COMPENSATION)),
    # another officer's row is another label: no pair
    ("Stephan Kim's total compensation rose by 82% from 2022 to 2023.", rows(COMPENSATION[:1] + COMPENSATION[2:])),
    # rows of two documents are two tables
    ("Receipts from EMI rose 9.75% from 2022 to 2023.", [*rows(EMI[:1], "a.md"), *rows(EMI[1:], "b.md")]),
])
def test_rows_that_do_not_pair_decide_nothing(claim: str, passages: list[Passage]) -> None:
    derived = read_derived(claim)
    assert derived is not None

    assert check_derived(derived, claim, passages) is None


def test_a_row_that_states_two_periods_is_no_dated_row() -> None:
    text = "Revenue — 2023: $1,240 million; 2022: $860 million"

    assert dated_row(rows([text])[0]) is None


def test_a_column_is_named_when_the_claim_says_every_word_of_its_name() -> None:
    claim = "The total compensation for Jay Kim rose."

    assert column_named(claim, "Total ($)")
    assert not column_named(claim, "All other Compensation ($)")
    assert not column_named(claim, "($)")


def test_an_approximate_change_is_never_read_more_narrowly_than_its_rounding() -> None:
    """"about 4%" had been 3.8–4.2% (its hedge alone), narrower than a bare "4%" (3.5–4.5%)."""
    derived = read_derived("Revenue rose by about 4% in 2023.")

    assert derived is not None and (derived.low, derived.high) == pytest.approx((1.035, 1.045))


PAYABLE = ["As of February 28, 2023, the Company has an outstanding payable to director of $68,630, which is unsecured "
           "and non-interest bearing.",
           "As of February 28, 2023 and 2022, the company has a prepayment of $Nil.",
           "As of February 28, 2022, the Company has an outstanding payable to director of $35,045, which is unsecured "
           "and non-interest bearing."]


def sentences(texts: list[str], doc_id: str = "report.md") -> list[Passage]:
    return [Passage(doc_id, 300 * i, 300 * i + len(text), text, 1.0) for i, text in enumerate(texts)]


@pytest.mark.parametrize(("claim", "relation"), [
    # FinDVer dev (numeric-val-112's source): the two sentences are not next to each other
    ("The amount payable to the director rose about 96% from February 28, 2022 to February 28, 2023.",
     Relation.CONSISTENT),
    ("The amount payable to the director doubled from February 28, 2022 to February 28, 2023.", Relation.CONSISTENT),
    ("The amount payable to the director rose 50% from February 28, 2022 to February 28, 2023.", Relation.CONTRADICTS),
])
def test_two_sentences_alike_but_for_their_period_and_figure_give_a_change(claim: str, relation: Relation) -> None:
    derived = read_derived(claim)
    assert derived is not None

    found = check_derived(derived, claim, sentences(PAYABLE))

    assert found is not None and (found.relation, found.arithmetic) == (relation, "$68,630 vs $35,045 is +95.8%")
    assert [passage.text for _, passage in found.operands] == [PAYABLE[0], PAYABLE[2]]


@pytest.mark.parametrize("texts", [
    # said differently: "receivable from", not "payable to"
    [PAYABLE[0], PAYABLE[2].replace("payable to director", "receivable from director")],
    # two figures in one sentence: which one changed cannot be told
    [PAYABLE[0], PAYABLE[2].replace("bearing.", "bearing, and $1,200 of interest.")],
])
def test_sentences_that_differ_in_more_than_period_and_figure_give_no_change(texts: list[str]) -> None:
    claim = "The amount payable to the director rose about 96% from February 28, 2022 to February 28, 2023."
    derived = read_derived(claim)
    assert derived is not None

    assert check_derived(derived, claim, sentences(texts)) is None


def test_a_caption_with_a_dash_does_not_make_two_officers_one_row() -> None:
    caption = "Summary Compensation Table — Officers › "
    jay = f"{caption}Jay Kim Chief Executive Officer — Year: 2023; " + _COLUMNS.format("$150,000", "-0-", "-0-",
                                                                                      "$150,000")
    stephan = f"{caption}Stephan Lee Chief Financial Officer — Year: 2022; " + _COLUMNS.format("$83,000", "-0-", "-0-",
                                                                                              "$83,000")
    claim = "Jay Kim's total compensation increased by 80.7% from 2022 to 2023."
    derived = read_derived(claim)
    assert derived is not None

    assert check_derived(derived, claim, rows([jay, stephan])) is None


def test_a_row_pairs_with_the_nearest_alike_row_of_its_document() -> None:
    """Two tables of one document alike but for their figures: the row of the other table, retrieved in
    between, is not this row's year before."""
    segment_a = ["Year Ended December 31 2023 — Revenue: $100; Operating income: $10",
                 "Year Ended December 31 2022 — Revenue: $90; Operating income: $9"]
    segment_b = ["Year Ended December 31 2022 — Revenue: $150; Operating income: $15",
                 "Year Ended December 31 2023 — Revenue: $160; Operating income: $16"]
    placed = rows(segment_a + segment_b)  # a's rows first in the document, then b's
    retrieved = [placed[0], placed[2], placed[1], placed[3]]
    claim = "Revenue rose about 11% from 2022 to 2023."
    derived = read_derived(claim)
    assert derived is not None

    found = check_derived(derived, claim, retrieved)

    assert found is not None and (found.relation, found.arithmetic) == (Relation.CONSISTENT, "$100 vs $90 is +11.1%")


def test_a_repeated_column_name_is_no_column_the_claim_can_name() -> None:
    new = "Directors › Ann Lo — Year: 2023; Fees ($): -0-; Fees ($): $50,000"
    old = "Directors › Ann Lo — Year: 2022; Fees ($): $10,000; Fees ($): $40,000"
    claim = "Ann Lo's fees rose 400% from 2022 to 2023."
    derived = read_derived(claim)
    assert derived is not None

    assert check_derived(derived, claim, rows([new, old])) is None


def test_a_sentence_is_read_without_its_context() -> None:
    """A numbered heading ("NOTE 4 – …") holds a figure of its own: the sentence's one figure is still its own."""
    context = "[NOTE 4 – RELATED PARTY TRANSACTIONS] "
    passages = [replace(p, reading=context + p.text) for p in sentences(PAYABLE)]
    claim = "The amount payable to the director rose about 96% from February 28, 2022 to February 28, 2023."
    derived = read_derived(claim)
    assert derived is not None

    found = check_derived(derived, claim, passages)

    assert found is not None and (found.relation, found.arithmetic) == (Relation.CONSISTENT,
                                                                      "$68,630 vs $35,045 is +95.8%")
