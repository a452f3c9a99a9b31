"""Comparing claimed figures with evidence: hedges, scale slips, units, binding, periods, decisions."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.store import Snapshot
from service.domain import Document, Label, Passage, Relation
from service.figures.numeric import (
    NumericMatch,
    Quantity,
    claim_tags,
    compare_quantities,
    extract_quantities,
    figures_of,
    match_numbers,
    numeric_decision,
)
from service.figures.numeric_check import check_numbers
from service.figures.subjects import common_words, named_entities, names_conflict

pytestmark = pytest.mark.unit


def figure(text: str) -> Quantity:
    [quantity] = extract_quantities(text)
    return quantity


@pytest.mark.parametrize(
    ("claimed", "found", "relation"),
    [
        ("over $500M", "well over $500M", Relation.CONSISTENT),
        ("over $500M", "$600M", Relation.CONSISTENT),
        ("over $500M", "$50M", Relation.CONTRADICTS),
        ("between 80% and 90%", "85%", Relation.CONSISTENT),
        ("between 80% and 90%", "95%", Relation.CONTRADICTS),
        ("about $2.5B", "$2.45 billion", Relation.CONSISTENT),
        ("about $2.5B", "$2.8 billion", Relation.CONTRADICTS),
        ("$640M", "$6.4 billion", Relation.CONTRADICTS),
        ("$6.4 billion", "$6.43 billion", Relation.CONSISTENT),
        ("$6.43 billion", "$6.4 billion", Relation.CONSISTENT),
        ("under 40 billion", "35 billion", Relation.CONSISTENT),
        ("at least 7%", "6%", Relation.CONTRADICTS),
        ("up to 20 million", "25 million", Relation.CONTRADICTS),
        ("nearly 300,000", "291,000", Relation.CONSISTENT),
        ("half a billion dollars", "$500 million", Relation.CONSISTENT),
        ("€238 a month", "€2,856 a year", Relation.CONSISTENT),
        ("$6.4B", "more than $6B", Relation.NOT_COMPARABLE),
        ("$6.4B", "€6.4B", Relation.NOT_COMPARABLE),
        ("85%", "$85", Relation.NOT_COMPARABLE),
        # a figure written with no scale (a table cell whose "in thousands" caption sits elsewhere) that matches
        # once read in thousands or millions is the same figure, not a scale slip (FinDVer dev); a written scale
        # still slips
        ("$2,430,000", "$ | 2,430", Relation.NOT_COMPARABLE),
        ("$104,978,000", "104,978", Relation.NOT_COMPARABLE),
        ("$2,430,000", "$2,430 thousand", Relation.CONSISTENT),
        ("$2,430,000", "$2.43 billion", Relation.CONTRADICTS),
        ("$2,430,000", "$ | 2,431", Relation.NOT_COMPARABLE),  # within the claim's 2 %
        ("$2,430,000", "$ | 3,430", Relation.CONTRADICTS),
        ("more than 3,000", "2,310", Relation.CONTRADICTS),
    ],
)
def test_compare_follows_the_hedge(claimed: str, found: str, relation: Relation) -> None:
    assert compare_quantities(figure(claimed), figure(found))[0] == relation


@pytest.mark.parametrize(
    ("claimed", "found", "gap"),
    [
        ("$640M", "$6.4 billion", "claimed $640M; source says $6.4B — off by 10× (scale slip)"),
        ("$6.4M", "$6.4 billion", "claimed $6.4M; source says $6.4B — off by 1,000× (million vs billion)"),
        ("€166", "€238", "claimed €166; source says €238 — source is 43% higher"),
        ("500 people", "1,500 people", "claimed 500; source says 1,500 — source is 3.0× higher"),
        ("$6.4B", "€6.4B", "claimed $6.4B; source says €6.4B — different units (USD vs EUR)"),
    ],
)
def test_gap_names_scale_slips_and_unit_mismatches(claimed: str, found: str, gap: str) -> None:
    assert compare_quantities(figure(claimed), figure(found))[1] == gap


def test_consistent_pairs_have_no_gap() -> None:
    assert compare_quantities(figure("about $2.5B"), figure("$2.45 billion")) == (Relation.CONSISTENT, None)


PRICES = "Pricing is €166 for Claude Teams and €238 for OpenAI Pro."


def test_binding_keeps_each_price_with_its_product() -> None:
    matches = match_numbers("OpenAI Pro costs €166", PRICES)
    aligned = [m for m in matches if m.subject_aligned]
    assert [(m.evidence.text, m.relation) for m in aligned] == [("€238", Relation.CONTRADICTS)]
    assert numeric_decision(matches) == Relation.CONTRADICTS


def test_binding_supports_the_right_product() -> None:
    matches = match_numbers("Claude Teams costs €166 a month", PRICES)
    assert numeric_decision(matches) == Relation.CONSISTENT
    assert matches[0].evidence.start == PRICES.index("€166")


@pytest.mark.parametrize(
    ("claim", "evidence", "decision"),
    [
        ("Acme spent over $500M on GPUs", "Acme spent well over $500M on GPUs.", Relation.CONSISTENT),
        ("Acme spent over $500M on GPUs", "Acme spent $600M on GPUs.", Relation.CONSISTENT),
        ("Acme spent over $500M on GPUs", "Acme spent $50M on GPUs.", Relation.CONTRADICTS),
        ("Acme lost $640M in 2025", "Acme lost $6.4 billion in 2025, it says.", Relation.CONTRADICTS),
        ("Acme lost $640M in 2025", "Acme lost $6.4 billion in 2024, it says.", None),
        ("Acme raised about $2.5B", "Acme raised $2.45 billion from investors.", Relation.CONSISTENT),
        ("Between 80% and 90% of users like it", "A survey found 85% of users like it.", Relation.CONSISTENT),
        ("Acme bought 100,000 H100s", "Acme bought 100,000 H100 GPUs in March.", Relation.CONSISTENT),
        ("Acme bought 100,000 H100s", "Acme bought 20,000 H100 chips.", Relation.CONTRADICTS),
        ("Acme bought 100,000 H100s", "Acme hired 20,000 engineers.", None),
        ("Acme lost $6.4 billion", "The weather was mild.", None),
        ("Acme lost $6.4 billion", "A viral post claims Acme lost $6.4 billion.", None),
        # the figure bound closest to the claim's subject speaks for it
        ("Lumenfold's Scale plan costs €238 a month", "The new prices are €166 a month for the Team plan and €238 "
         "for the Scale plan. Before the change, the Team plan cost €149 a month.", Relation.CONSISTENT),
        ("Lumenfold's Scale plan costs €250 a month", "The new prices are €166 a month for the Team plan and €238 "
         "for the Scale plan. Before the change, the Team plan cost €149 a month.", Relation.CONTRADICTS),
    ],
)
def test_decision_needs_aligned_subjects_and_periods(claim: str, evidence: str,
                                                     decision: Relation | None) -> None:
    matches = match_numbers(claim, evidence)
    assert numeric_decision(matches, claim_quantities=extract_quantities(claim)) == decision


def test_period_alignment_is_reported() -> None:
    claim = "Acme lost $640M in 2025"
    [aligned] = match_numbers(claim, "Acme lost $6.4 billion in 2025.")
    [misaligned] = match_numbers(claim, "Acme lost $6.4 billion in 2024.")
    [no_period] = match_numbers("Acme lost $640M", "Acme lost $6.4 billion in 2024.")
    found = (aligned.period_aligned, misaligned.period_aligned, no_period.period_aligned)
    assert found == (True, False, None)


def test_last_year_resolves_against_the_evidence_date() -> None:
    claim = "Acme lost $6.4 billion in 2023"
    matches = match_numbers(claim, "Acme lost $6.4 billion last year.", evidence_date=dt.date(2024, 2, 1))
    assert matches[0].period_aligned is True
    matches = match_numbers(claim, "Acme lost $6.4 billion last year.", evidence_date=dt.date(2025, 2, 1))
    assert matches[0].period_aligned is False


def test_a_nearer_period_wins_within_a_sentence() -> None:
    evidence = "Acme lost $6.4 billion in 2025, after losing $3 billion in 2024."
    matches = match_numbers("Acme lost $3 billion in 2025", evidence)
    decisive = [m for m in matches if m.subject_aligned and m.period_aligned]
    assert [m.evidence.text for m in decisive] == ["$6.4 billion"]
    assert numeric_decision(matches) == Relation.CONTRADICTS


def test_unmatched_claim_figures_block_consistent() -> None:
    claim = "Acme spent $500M on 100,000 GPUs"
    matches = match_numbers(claim, "Acme spent $500M on hardware.")
    assert numeric_decision(matches) == Relation.CONSISTENT
    assert numeric_decision(matches, claim_quantities=extract_quantities(claim)) is None


def test_conflicting_evidence_abstains() -> None:
    claim = "Acme spent $500M on GPUs"
    matches = [*match_numbers(claim, "Acme spent $500M on GPUs."),
               *match_numbers(claim, "Acme spent $90M on GPUs.")]
    assert numeric_decision(matches) is None


def test_no_matches_abstains() -> None:
    assert numeric_decision([]) is None


def test_match_offsets_index_the_evidence() -> None:
    for match in match_numbers("OpenAI Pro costs €166", PRICES):
        assert isinstance(match, NumericMatch)
        assert PRICES[match.evidence.start:match.evidence.end] == match.evidence.text


@pytest.mark.parametrize(
    ("claim", "tags"),
    [
        ("Acme lost about $6.4 billion last year", {"numeric", "temporal", "hedged"}),
        ("Acme lost $6.4 billion", {"numeric"}),
        ("Acme was founded in 1999", {"temporal"}),
        ("More than 500 people attended", {"numeric", "hedged"}),
        ("The sky is blue", set()),
    ],
)
def test_claim_tags(claim: str, tags: set[str]) -> None:
    assert claim_tags(claim) == frozenset(tags)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=400))
def test_matching_never_raises(claim: str, evidence: str) -> None:
    matches = match_numbers(claim, evidence)
    assert numeric_decision(matches) in (None, Relation.CONSISTENT, Relation.CONTRADICTS)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1, max_value=1e12), st.floats(min_value=1.05, max_value=100))
def test_a_figure_far_off_contradicts_an_exact_claim(value: float, factor: float) -> None:
    claimed = f"Acme spent ${value:,.2f} on GPUs"
    found = f"Acme spent ${value * factor:,.2f} on GPUs."
    assert numeric_decision(match_numbers(claimed, found)) == Relation.CONTRADICTS


# ---- subjects across an aside ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("claim", "evidence", "relation"),
    [
        ("Acme's total outlay for the plant, including the land, is about $6.4 billion.",
         "Including the land lease, the total outlay rises to about $640 million.", Relation.CONTRADICTS),
        ("Globex's research budget, excluding grants, was $2.1 billion.",
         "Excluding grants, the research budget came to $2.1 billion.", Relation.CONSISTENT),
    ],
)
def test_a_claim_figure_after_an_aside_binds_to_the_clause_subject(claim: str, evidence: str,
                                                                   relation: Relation) -> None:
    matches = match_numbers(claim, evidence)
    assert matches and matches[0].subject_aligned
    assert numeric_decision(matches, claim_quantities=extract_quantities(claim)) is relation


def test_a_scale_slip_across_an_aside_is_named() -> None:
    [match] = match_numbers("Acme's total outlay for the plant, including the land, is about $6.4 billion.",
                            "Including the land lease, the total outlay rises to about $640 million.")
    assert "off by 10×" in (match.gap or "")


# ---- named subjects ------------------------------------------------------------------------------------------

SPENT = "Acme has spent more than half a billion dollars on chips since 2022."


@pytest.mark.parametrize(
    ("evidence", "decision"),
    [
        ("Acme has now spent well over $500 million on chips since 2022.", Relation.CONSISTENT),
        ("The company has spent well over $500 million on chips since 2022.", Relation.CONSISTENT),
        ("It has spent well over $500 million on chips since 2022.", Relation.CONSISTENT),
        ("Acme Corp has spent well over $500 million on chips since 2022.", Relation.CONSISTENT),
        ("Globex spent well over $1.5 billion on chips during the year.", None),  # someone else
        ("Globex Industries has spent $700 million on chips since 2022.", None),
        ("Engineers at Globex said $900 million went on chips since 2022.", None),
    ],
)
def test_a_sentence_naming_someone_else_does_not_bear_on_the_claim(evidence: str,
                                                                  decision: Relation | None) -> None:
    matches = match_numbers(SPENT, evidence)
    assert numeric_decision(matches, claim_quantities=extract_quantities(SPENT)) is decision


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Veridian Labs spent $5M.", {"veridian"}),
        ("In the March survey, Stratus GPU had the cheapest H100.", {"stratu"}),  # "In", months, H100 are not
        ("It spent $5M, the company said.", set()),
        ("Five of the singers were hospitalised with COVID-19.", set()),
        ("Northwind's Kestrel cluster holds 12,288 GPUs.", {"northwind", "kestrel", "gpu"}),
    ],
)
def test_named_entities(text: str, names: set[str]) -> None:
    assert named_entities(text) == names


@pytest.mark.parametrize(
    ("claim", "sentence", "conflict"),
    [
        ("Acme spent $5M.", "Globex spent $5M.", True),
        ("Acme spent $5M.", "Acme and Globex spent $5M.", False),
        ("Acme spent $5M.", "The company spent $5M.", False),
        ("Acme spent $5M on revenue growth.", "Revenue rose to $5M.", False),  # a capitalised word the claim uses
        ("The company spent $5M.", "Globex spent $5M.", False),  # the claim names no one
        ("Acme Labs spent $5M.", "Globex Labs spent $5M.", True),  # a shared suffix is not the same name
        # a name in the context it is read with counts like any other (`check_numbers` decides when a title's
        # names are the claim's document's own: below)
        ("Kestrel draws 25 megawatts.", "[Northwind opens a cluster › Site] Its draw is 17 megawatts.", True),
    ],
)
def test_names_conflict(claim: str, sentence: str, conflict: bool) -> None:
    assert names_conflict(claim, sentence) is conflict


@pytest.mark.parametrize(
    ("claim", "decision"),
    [
        ("The Kestrel cluster contains 12,288 H100 GPUs.", Label.SUPPORTED),
        ("The Kestrel cluster contains 16,384 H100 GPUs.", Label.REFUTED),
        # The same figures, but the sentence tells of something else: only the comparisons are reported.
        ("Northwind bought 12,288 GPUs for its offices in Lisbon last winter.", None),
        ("Northwind bought 16,384 GPUs for its offices in Lisbon last winter.", None),
    ],
)
def test_a_figure_settles_the_verdict_only_from_a_sentence_telling_of_the_claim(claim: str,
                                                                               decision: Label | None) -> None:
    text = "Northwind's Kestrel cluster, which came online in March 2024, contains 12,288 H100 GPUs."
    snapshot = Snapshot("v1", "fake", 1, {}, {"kestrel.md": Document("kestrel.md", text)}, [], np.zeros((0, 1)))
    passage = Passage("kestrel.md", 0, len(text), text, 1.0, title="Kestrel")

    finding = check_numbers(claim, [passage], snapshot)

    assert finding.decision is decision
    assert [c.evidence_value for c in finding.comparisons] == ["12,288"]


@pytest.mark.parametrize("title", ["northwind-cluster", "northwind_cluster", None])
def test_a_title_made_from_a_file_name_counts_its_words(title: str | None) -> None:
    """The sentence does not name Northwind; the document's title (or id), a file name, does."""
    claim = "Northwind Labs' Kestrel cluster contains 12,288 H100 GPUs."
    text = "The cluster, called Kestrel, holds 12,288 H100 GPUs spread across 1,536 servers."
    doc_id = "northwind-cluster.md"
    snapshot = Snapshot("v1", "fake", 1, {}, {doc_id: Document(doc_id, text)}, [], np.zeros((0, 1)))

    finding = check_numbers(claim, [Passage(doc_id, 0, len(text), text, 1.0, title=title)], snapshot)

    assert finding.decision is Label.SUPPORTED


@pytest.mark.parametrize(("claim", "decision"), [
    ("Veridian Labs roughly tripled its revenue in fiscal 2024, to $640 million.", Label.SUPPORTED),
    # $900M is no operand, and the sentence does not bind it to the claim's subject: withheld, not supported
    ("Veridian Labs roughly tripled its revenue in fiscal 2024, to $900 million.", None),
])
def test_a_stated_figure_that_is_an_operand_of_the_computed_one_is_borne_out_by_it(claim: str,
                                                                                   decision: Label | None) -> None:
    """"Tripled … to $640 million": $640M is the change's own end point, not another figure left unchecked."""
    text = "Veridian Labs' revenue for the year reached $640 million, up from $212 million in fiscal 2023."
    doc_id = "veridian-fy2024.md"
    snapshot = Snapshot("v1", "fake", 1, {}, {doc_id: Document(doc_id, text)}, [], np.zeros((0, 1)))

    finding = check_numbers(claim, [Passage(doc_id, 0, len(text), text, 1.0, title="Veridian Labs FY2024")],
                            snapshot)

    assert finding.decision is decision


HARBOR_ROWS = [
    "HARBOR ANALYTICS, INC. Statements of Operations (In thousands) › Revenue — Three Months Ended September 30, "
    "2025: $48,210 thousand; Three Months Ended September 30, 2024: $41,730 thousand",
    "HARBOR ANALYTICS, INC. Statements of Operations (In thousands) › Cost of revenue — Three Months Ended "
    "September 30, 2025: $19,904 thousand; Three Months Ended September 30, 2024: $17,112 thousand",
]


@pytest.mark.parametrize(("claim", "decision", "rationale"), [
    ("Harbor's revenue for the three months ended September 30, 2025 was $48.2 million.", Label.SUPPORTED,
     "Every figure in the claim matches the source ($48.2M ~ $48.21M)."),
    ("Harbor's cost of revenue was $19.9 million in the three months ended September 30, 2025.", Label.SUPPORTED,
     "Every figure in the claim matches the source ($19.9M ~ $19.9M)."),
    # only the cell of the claimed period is named in the rationale, not the other columns
    ("Harbor's revenue for the three months ended September 30, 2025 was $52 million.", Label.REFUTED,
     "The figures disagree: claimed $52M; source says $48.21M — source is 7% lower."),
])
def test_a_table_row_is_about_what_its_label_names_all_of(claim: str, decision: Label, rationale: str) -> None:
    """"Cost of revenue" is not the claim's "revenue", and "Revenue" is not its "cost of revenue"."""
    snapshot = Snapshot("v1", "fake", 1, {}, {"harbor.md": Document("harbor.md", " ".join(HARBOR_ROWS))}, [],
                        np.zeros((0, 1)))
    passages = [Passage("harbor.md", 0, len(row), row, 1.0, title="Harbor Analytics 10-Q") for row in HARBOR_ROWS]

    finding = check_numbers(claim, passages, snapshot)

    assert (finding.decision, finding.rationale) == (decision, rationale)


@pytest.mark.parametrize(("claim", "decision"), [
    ("Lattice Cloud charged $2.60 per GPU-hour for an H100 in 2025.", Relation.CONSISTENT),
    ("Lattice Cloud charged $3.40 per GPU-hour for an H100 in 2025.", Relation.CONTRADICTS),
    ("Lattice Cloud charged $2.60 per GPU for an H100 in 2025.", None),  # per GPU is not per GPU-hour
])
def test_a_table_caption_says_what_its_cells_are_per(claim: str, decision: Relation | None) -> None:
    row = ("[Lattice Cloud GPU prices] Prices per GPU-hour, in US dollars, for each year's list price › H100 — "
           "2024: $3.40; 2025: $2.60; 2026: $2.10")
    assert numeric_decision(match_numbers(claim, row), claim_quantities=extract_quantities(claim)) == decision


@pytest.mark.parametrize(("claim", "decision"), [
    ("In 2023, Mills Music Trust distributed $830,151 to Unit Holders.", Relation.CONTRADICTS),
    ("Cash distributions to Unit Holders were $863,852 in 2023.", Relation.CONSISTENT),
    ("Cash distributions to Unit Holders were $830,151 in 2021.", None),  # another year's row: no conflict
])
@pytest.mark.parametrize("label", ["Year Ended December 31 2023", "Years Ended December 31, 2023"])
def test_a_row_labelled_by_its_year_is_a_period_not_a_measure(claim: str, decision: Relation | None,
                                                              label: str) -> None:
    """"Years Ended December 31, 2023" names when, not what: its words are no measure the claim must name."""
    row = (f"{label} — Receipts From EMI: $1,237,548; Cash Distributions to Unit Holders: $863,852; "
           "Per Unit: $3.11")
    assert numeric_decision(match_numbers(claim, row), claim_quantities=extract_quantities(claim)) == decision


@pytest.mark.parametrize(("claim", "decision"), [
    ("As of December 31, 2023, the company held a cash balance of $205,718.", Relation.CONSISTENT),
    ("As of March 31, 2023, the company held a cash balance of $35,756.", Relation.CONSISTENT),
    ("As of March 31, 2023, the company held a cash balance of $205,718.", Relation.CONTRADICTS),  # December's
])
def test_figures_listed_respectively_are_of_the_periods_in_the_same_place(claim: str,
                                                                          decision: Relation | None) -> None:
    """FinDVer's ETST 10-Q: "$205,718" had been read as March's, the period nearest to it."""
    evidence = ("As of December 31, 2023, and March 31, 2023, the Company held a cash balance of $ 205,718 and "
                "$ 35,756 , respectively.")
    assert numeric_decision(match_numbers(claim, evidence), claim_quantities=extract_quantities(claim)) == decision


@pytest.mark.parametrize(("evidence", "claim", "decision"), [
    # the list pairs measures, not periods: each figure is the year it is written beside
    ("Revenue and net income were $5.2 million and $1.1 million, respectively, in 2023, up from 2022.",
     "Net income was $1.1 million in 2022.", Relation.CONTRADICTS),
    ("Revenue and net income for 2023 were $5.2 million and $1.1 million, respectively, compared with $4.0 million "
     "and $0.9 million for 2022.", "Net income was $0.9 million in 2022.", Relation.CONTRADICTS),
])
def test_respectively_pairs_periods_only_when_they_are_listed_one_per_figure(evidence: str, claim: str,
                                                                             decision: Relation) -> None:
    assert numeric_decision(match_numbers(claim, evidence), claim_quantities=extract_quantities(claim)) == decision


@pytest.mark.parametrize(("claimed", "found", "relation"), [
    ("$29,922,668", "$30,265,697", Relation.CONTRADICTS),  # 1.1 % off a figure stated to the dollar
    ("$1,237,548", "$1,250,000", Relation.CONTRADICTS),  # 1.0 %: within 2 %, not within 0.5 %
    ("$1,237,548", "$1,238,000", Relation.CONSISTENT),  # within 0.5 %
    ("$30 million", "$30,265,697", Relation.CONSISTENT),  # a round figure keeps its 2 %
    ("$5.7 billion", "$5,693 million", Relation.CONSISTENT),
])
def test_a_figure_stated_to_four_digits_or_more_tolerates_half_a_percent(claimed: str, found: str,
                                                                         relation: Relation) -> None:
    claim, evidence = extract_quantities(f"It was {claimed}.")[0], extract_quantities(f"It was {found}.")[0]
    assert compare_quantities(claim, evidence)[0] is relation


def test_cost_as_a_verb_names_no_measure_the_row_must_have() -> None:
    claim = "An H200 at Lattice Cloud cost $3.90 an hour in 2025."
    row = ("[Lattice Cloud GPU prices] Prices per GPU-hour, in US dollars, for each year's list price › H200 — "
           "2024: none; 2025: $3.90; 2026: $3.20")
    assert numeric_decision(match_numbers(claim, row), claim_quantities=extract_quantities(claim)) \
        is Relation.CONSISTENT


def test_a_figure_with_no_words_of_its_own_is_about_what_introduces_it() -> None:
    claim = "Veridian Labs earned $167 million in revenue in the January to March 2024 quarter."
    item = "[Veridian Labs FY2024 › Where the money went · Revenue by quarter (USD)] Q3 FY2024 (January–March 2024): " \
        "$167 million"
    assert numeric_decision(match_numbers(claim, item), claim_quantities=extract_quantities(claim)) \
        is Relation.CONSISTENT
    bare = item.replace(" · Revenue by quarter (USD)", "")  # nothing says the figure is revenue
    assert numeric_decision(match_numbers(claim, bare), claim_quantities=extract_quantities(claim)) is None


@pytest.mark.parametrize(("claim", "evidence"), [
    # "net" alone does not make "interest expense, net" the claim's net income
    ("The change in net income from fiscal 2022 to fiscal 2023 is $105 million.",
     "Interest expense, net decreased $18.5 million in fiscal 2023 compared to the prior year."),
    # the evidence figure the claim's own "$100 million" matches is not a conflict for its "$2.3 million"
    ("The interest savings due to the interest rate swap agreement covering $100 million debt of the Corporation "
     "amounts to $2.3 million annually.",
     "As of November 2023, the Corporation had an interest rate swap agreement in place to fix the interest rate on "
     "$100 million principal amount of the Corporation's term loan. As of December 30, 2023, the Corporation had "
     "$200 million of borrowings under the term loan which were not covered by the interest rate swap agreement."),
    # the claim's figure found written without its scale: the cell beside it is another year's (FinDVer dev)
    ("The Company's total share-based compensation expense for the year was $2,430,000.",
     "Total share-based compensation expense — 2023: $2,430; 2022: $8,459"),
])
def test_no_conflict_from_a_figure_that_belongs_elsewhere(claim: str, evidence: str) -> None:
    assert numeric_decision(match_numbers(claim, evidence), claim_quantities=extract_quantities(claim)) \
        is not Relation.CONTRADICTS


def test_a_period_with_another_figure_between_is_that_figures() -> None:
    claim = "Veridian's revenue reached $640 million in FY2024."
    evidence = ("[Veridian Labs FY2024: revenue up, losses wider] Revenue for the year reached $640 million, up from "
                "$212 million in fiscal 2023.")
    matches = match_numbers(claim, evidence)

    assert [m.period_aligned for m in matches if m.evidence.text == "$640 million"] == [True]
    assert numeric_decision(matches, claim_quantities=extract_quantities(claim)) is Relation.CONSISTENT


@pytest.mark.parametrize(("claim", "evidence", "decision"), [
    ("Sea level rise in Northwind Bay could reach 7 feet by 2100.",
     "Sea level rise in Northwind Bay will reach 2 feet by 2100, the survey says.", None),
    ("Sea level rise in Northwind Bay will reach 7 feet by 2100.",
     "Sea level rise in Northwind Bay will reach 2 feet by 2100, the survey says.", Label.REFUTED),
    ("The 97% consensus of Northwind climate papers has been disproven.",
     "97.1% of Northwind climate papers endorsed the consensus.", None),
    ("The 80% consensus of Northwind climate papers has been disproven.",
     "97.1% of Northwind climate papers endorsed the consensus.", None),  # backs the denial: not REFUTED
    ("The consensus of Northwind climate papers is 97%.",
     "97.1% of Northwind climate papers endorsed the consensus.", Label.SUPPORTED),
    # a figure under a condition is no stated figure (FinDVer dev)
    ("The consensus of Northwind climate papers is 97% if endorsed.",
     "97.1% of Northwind climate papers endorsed the consensus.", None),
])
def test_what_could_be_is_not_refuted_nor_what_was_disproven_borne_out(claim: str, evidence: str,
                                                                         decision: Label | None) -> None:
    """Climate-FEVER dev: a possibility is not refuted by another estimate, a denial not borne out by the figure
    it denies; the comparisons are still reported."""
    snapshot = Snapshot("v1", "fake", 1, {}, {"bay.md": Document("bay.md", evidence)}, [], np.zeros((0, 1)))

    finding = check_numbers(claim, [Passage("bay.md", 0, len(evidence), evidence, 1.0)], snapshot)

    assert finding.decision is decision
    assert finding.comparisons


def test_a_capitalised_word_its_document_writes_in_lower_case_is_no_name() -> None:
    """"Power draw at full load is listed as 17 megawatts" is about the document's Kestrel, not someone named
    Power: the document also speaks of "power contracts" (the demo's own wrong verdict)."""
    claim, sentence = "Kestrel draws 25 megawatts at full load.", "Power draw at full load is listed as 17 megawatts."
    common = common_words("The hardware bill excludes the building and power contracts.")

    assert names_conflict(claim, sentence)
    assert not names_conflict(claim, sentence, common)
    [match] = match_numbers(claim, sentence, common=common)
    assert match.subject_aligned and match.relation is Relation.CONTRADICTS


@pytest.mark.parametrize(("document", "decision"), [
    # the document names the claim's Kestrel: its title's Northwind says whose the document is
    ("# Northwind opens its second cluster\n\nThe cluster, Kestrel, holds 12,288 GPUs and its own power line."
     "\n\n## Power\n\nPower draw at full load is listed as 17 megawatts.", Label.REFUTED),
    # a document about Globex alone: its title's name is someone other than the claim's Kestrel
    ("# Globex opens its second cluster\n\nThe cluster holds 12,288 GPUs and its own power line."
     "\n\n## Power\n\nPower draw at full load is listed as 17 megawatts.", None),
])
def test_a_title_names_whose_document_it_is_only_where_the_document_names_the_claims_subject(
        document: str, decision: Label | None) -> None:
    claim = "Kestrel draws 25 megawatts at full load."
    sentence = "Power draw at full load is listed as 17 megawatts."
    title = document.split("\n")[0].lstrip("# ")
    start = document.index(sentence)
    snapshot = Snapshot("v1", "fake", 1, {}, {"c.md": Document("c.md", document)}, [], np.zeros((0, 1)))
    passage = Passage("c.md", start, start + len(sentence), sentence, 1.0, reading=f"[{title} › Power] {sentence}")

    assert check_numbers(claim, [passage], snapshot).decision is decision


def test_a_stretch_of_time_is_no_figure() -> None:
    """"For the past 2,000 years" scopes what is said; it measures nothing to compare (Climate-FEVER dev)."""
    claim = "For the past 4567 million years, the sun and the Earth's orbit have driven climate cycles."
    evidence = "Orbital forcing from the Earth's orbit around the sun has, for the past 2,000 years, driven cooling."

    assert figures_of(claim) == []
    assert match_numbers(claim, evidence) == []
    assert [q.text for q in figures_of("Revenue rose 40% over the last two years to $5 million.")] == [
        "40%", "$5 million"]


def test_a_gap_between_two_percentages_is_no_level() -> None:
    """"Up 2.3 percentage points" is not a margin of 2.3% (FinDVer dev: it was read against a 7.4% margin)."""
    claim = "The operating margin increased by 2.3 percentage points from 5.3% to 7.6%."

    assert [q.text for q in figures_of(claim)] == ["5.3%", "7.6%"]
    assert [q.text for q in figures_of("Margins fell 1.5% points to 20%.")] == ["20%"]


@pytest.mark.parametrize(("claim", "unmatched"), [
    ("Veridian's February 2024 round valued the company at $30 billion.", True),
    ("Veridian raised $4 billion in February 2024.", False),
    ("Veridian raised more than $3.5 billion in February 2024.", False),  # borne out by $4 billion
    ("Veridian hired two bankers for its February 2024 round.", False),  # a bare count a list may bear out
    ("Veridian's deferred tax liability was $944,768.", False),  # a table cell's bare number, its "$" apart
    ("Veridian's effective tax rate was 889,103%.", True),  # … is money, not a percentage
    # a change the arithmetic could not compute (no earlier figure) is a stated figure like any other
    ("Veridian's cash grew 26.09% in 2024.", True),
])
def test_an_amount_the_evidence_gives_nowhere_is_flagged(claim: str, unmatched: bool) -> None:
    evidence = "Veridian had $3.9 billion in cash after raising $4 billion in a round in February 2024."
    row = "| Net deferred tax liability | $ | ( 944,768 ) | $ | ( 889,103 ) |"
    snapshot = Snapshot("v1", "fake", 1, {}, {"v.md": Document("v.md", f"{evidence}\n{row}")}, [], np.zeros((0, 1)))
    passages = [Passage("v.md", 0, len(evidence), evidence, 1.0),
                Passage("v.md", len(evidence) + 1, len(evidence) + 1 + len(row), row, 1.0)]

    finding = check_numbers(claim, passages, snapshot)

    assert finding.unmatched is unmatched
