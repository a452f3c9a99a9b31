"""Comparing claimed figures with evidence: hedges, scale slips, units, binding, periods, decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import Relation
from service.numeric import (
    NumericMatch,
    Quantity,
    claim_tags,
    compare_quantities,
    extract_quantities,
    match_numbers,
    numeric_decision,
)

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
