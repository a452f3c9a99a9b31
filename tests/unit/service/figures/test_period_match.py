"""Dates as claims: a claim's date against the date the evidence gives for the same event, the decision on the
comparisons (service/figures/period_match.py), and the pipeline's numeric step settling a date claim."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from index.store import Snapshot
from service.domain import Document, Label, Passage, Relation
from service.figures.numeric_check import check_numbers
from service.figures.period_match import PeriodMatch, match_periods, period_decision
from service.figures.periods import extract_periods

pytestmark = pytest.mark.unit

PLANT = "Acme's first plant, Delta, opened in March 2021."


@pytest.mark.parametrize(
    ("claim", "evidence", "relations"),
    [
        (PLANT, "Acme's first plant, Delta, opened in March 2020 with 400 workers.", [Relation.CONTRADICTS]),
        (PLANT, "Acme's first plant, Delta, opened in March 2021 with 400 workers.", [Relation.CONSISTENT]),
        (PLANT, "Acme's first plant, Delta, opened on 12 March 2021.", [Relation.CONSISTENT]),
        (PLANT, "Acme's first plant, Delta, opened on 12 April 2021.", [Relation.CONTRADICTS]),
        ("Acme's first plant, Delta, opened in 2021.", "Acme's first plant, Delta, opened in May 2021.",
         [Relation.CONSISTENT]),
        ("Acme's first plant, Delta, opened in Q1 2021.", "Acme's first plant, Delta, opened in first half 2021.",
         []),  # the source is coarser than the claim
        (PLANT, "Acme's first plant, Delta, opened in 2021.", []),
        (PLANT, "Acme's first plant, Delta, did not open in March 2020.", []),  # negated
        (PLANT, "Globex's first plant, Omega, opened in March 2020.", []),  # someone else
        (PLANT, "Delta was announced in 2019 and opened in March 2020.", []),  # too few shared words
        (PLANT, "Acme's first plant, Delta, was planned in 2019 and opened in March 2020.", []),  # two dates
        ("Acme's first plant, Delta, opened in March 2021 with 400 workers.",
         "Acme's first plant, Delta, opened in March 2020.", []),  # a claim with figures goes by its figures
        ("Acme's prices rose between March 2020 and March 2021.",
         "Acme's prices rose between March 2020 and March 2021.", [Relation.CONSISTENT] * 2),
        ("Acme's prices rose between March 2020 and March 2021.", "Acme's prices rose in April 2021.", []),
        ("Acme Labs' fiscal year 2024 ended on 31 December 2024.",  # the shared fiscal year is set aside
         "Acme Labs closed its fiscal year 2024 on 30 June 2024, it said.", [Relation.CONTRADICTS]),
        # a matching date bears out only a sentence that uses every word of the claim (tenses aside) …
        ("Sidse Babett Knudsen graduated on November 22nd, 1968.",
         "Sidse Babett Knudsen (born 22 November 1968) is a Danish actress.", []),
        ("Dreamer is a 2005 American sports film.", "Dreamer is a 2005 Canadian sports drama film.", []),
        ("Orison switched on its Fremont cluster in March 2025.",
         "[2025-03 · Timeline] Orison switches on its Fremont cluster.", [Relation.CONSISTENT]),
        # … while a different date for the same event still contradicts it
        (PLANT, "Delta, Acme's first plant, opened its gates in March 2020.", [Relation.CONTRADICTS]),
        # a sentence dated "this year" in a document with no date does not say when its event was (WiCE dev)
        ("Both the men's and women's volleyball teams won the national student cup in 2019.",
         "Both the men's and women's teams won the National Student Cup this year, building on 2018.", []),
        # a date the sentence says something began on does not deny it for a later date (FinDVer dev) …
        ("The company saw improvement in gross margin in fiscal 2024.",
         "The company started to see improvement in gross margin commencing in the second quarter of fiscal 2023.",
         [Relation.NOT_COMPARABLE]),
        # … nor for an earlier one, which still conflicts
        ("The company saw improvement in gross margin in fiscal 2022.",
         "The company started to see improvement in gross margin commencing in the second quarter of fiscal 2023.",
         [Relation.CONTRADICTS]),
        # … but a claim date the sentence gives as such still agrees, whatever "today" dates (WiCE dev)
        ("Mark England was Chef de Mission of Team GB at the 2016 Olympic Games.",
         "The BOA has today confirmed that Mark England has been appointed Team GB's Chef de Mission for the "
         "Baku 2015 European Games and the Rio 2016 Olympic Games.", [Relation.CONSISTENT]),
    ],
)
def test_match_periods(claim: str, evidence: str, relations: list[Relation]) -> None:
    assert [m.relation for m in match_periods(claim, evidence)] == relations


def test_a_relative_date_counts_once_the_document_date_is_known() -> None:
    claim = "Both the men's and women's volleyball teams won the national student cup in 2019."
    sentence = "Both the men's and women's volleyball teams won the National Student Cup this year, after 2018."

    matches = match_periods(claim, sentence, evidence_date=dt.date(2019, 6, 1))

    assert [(m.evidence.text, m.relation) for m in matches] == [("this year", Relation.CONSISTENT)]


def test_the_title_supplies_the_words_a_supporting_sentence_leaves_out() -> None:
    claim, sentence = "Orison opened a site in Reno in September 2025.", "[2025-09] A second site opens in Reno."

    assert match_periods(claim, sentence) == []  # "Orison" is not in the sentence
    assert [m.relation for m in match_periods(claim, sentence, title="orison timeline")] == [Relation.CONSISTENT]


def test_a_date_mismatch_names_both_dates() -> None:
    [match] = match_periods(PLANT, "Acme's first plant, Delta, opened in March 2020 with 400 workers.")
    assert (match.claim.text, match.evidence.text) == ("March 2021", "March 2020")
    assert match.gap == "claimed March 2021; source says March 2020"


@pytest.mark.parametrize(
    ("relations", "decision"),
    [
        ([Relation.CONTRADICTS], Relation.CONTRADICTS),
        ([Relation.CONSISTENT, Relation.CONSISTENT], Relation.CONSISTENT),
        ([Relation.CONSISTENT, Relation.CONTRADICTS], None),
        ([Relation.NOT_COMPARABLE], None),
        ([], None),
    ],
)
def test_period_decision(relations: list[Relation], decision: Relation | None) -> None:
    [period] = extract_periods("March 2021")
    matches = [PeriodMatch(period, period, relation, None) for relation in relations]
    assert period_decision(matches) is decision


def test_relative_dates_in_the_evidence_resolve_against_its_date() -> None:
    matches = match_periods("Acme's first plant, Delta, opened in 2021.",
                            "Acme's first plant, Delta, opened last year.", evidence_date=dt.date(2023, 5, 1))
    assert [m.relation for m in matches] == [Relation.CONTRADICTS]


def test_the_pipeline_step_settles_a_date_claim_and_reports_the_dates() -> None:
    text = "Acme's first plant, Delta, opened in March 2020 with 400 workers. It makes bricks."
    snapshot = Snapshot("v1", "fake", 1, {}, {"acme.md": Document("acme.md", text)}, [], np.zeros((0, 1)))
    passage = Passage("acme.md", 0, len(text), text, 1.0)

    finding = check_numbers(PLANT, [passage], snapshot)

    assert finding.decision is Label.REFUTED
    assert finding.rationale == "The dates disagree: claimed March 2021; source says March 2020."
    [comparison] = finding.comparisons
    assert (comparison.claim_value, comparison.evidence_value) == ("March 2021", "March 2020")
    assert comparison.citation is not None and comparison.citation.doc_id == "acme.md"
    assert finding.decisive == (passage,)


def test_a_sentence_with_the_whole_event_on_the_claimed_date_outweighs_a_partial_one_on_another() -> None:
    claim = "Orison switched on its Fremont cluster in March 2025."
    texts = ["[2025-03 · Orison Compute: build-out log] Orison switches on its Fremont cluster.",
             "[2025-06 · Orison Compute: build-out log] The Fremont cluster doubles to 8,192 GPUs."]
    snapshot = Snapshot("v1", "fake", 1, {}, {f"d{i}.md": Document(f"d{i}.md", t) for i, t in enumerate(texts)}, [],
                        np.zeros((0, 1)))
    passages = [Passage(f"d{i}.md", 0, len(t), t, 1.0) for i, t in enumerate(texts)]

    finding = check_numbers(claim, passages, snapshot)

    assert finding.decision is Label.SUPPORTED
    assert finding.decisive == (passages[0],)
    # without the whole event, the other date still refutes
    assert check_numbers(claim.replace("March", "April"), passages, snapshot).decision is Label.REFUTED
