"""Templated filing-figure pairs: a figure for the claim's measure and period decides it, one for another period,
measure or company does not; "profitable" against a stated net loss is a contradiction."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from service.figures.periods import extract_periods, periods_align
from training.contrast_pairs import CONTRADICTION, NEUTRAL
from training.figure_pairs import ENTAILMENT, SOURCE, figure_pairs
from training.nli_pairs import Pair, is_dev

pytestmark = pytest.mark.unit

PAIRS = figure_pairs(scenarios=400, seed=1)


def test_the_pairs_are_the_same_for_a_seed_and_every_kind_carries_its_label() -> None:
    assert figure_pairs(scenarios=400, seed=1) == PAIRS
    labels = {(p.source.removeprefix(SOURCE + "/"), p.target) for p in PAIRS}

    assert {("same", ENTAILMENT), ("wrong", CONTRADICTION), ("profit", ENTAILMENT), ("profit", CONTRADICTION),
            ("other-period", NEUTRAL), ("other-measure", NEUTRAL), ("other-company", NEUTRAL),
            ("partial", NEUTRAL)} <= labels
    assert all(p.target in {ENTAILMENT, CONTRADICTION} for p in PAIRS if p.source.endswith(("/direction", "/same")))


def test_a_neutral_claim_names_what_its_evidence_does_not_give() -> None:
    for pair in PAIRS:
        kind = pair.source.removeprefix(SOURCE + "/")
        if kind == "other-period":  # the claim's one period is neither of the two the evidence gives
            claimed, given = extract_periods(pair.hypothesis), extract_periods(pair.premise)
            assert len(claimed) == 1 and len(given) >= 2
            assert not any(periods_align(claimed[0], period) for period in given)
        elif kind == "other-company":
            assert pair.hypothesis.split("'")[0] not in pair.premise


def test_profit_claims_are_read_against_the_stated_result() -> None:
    profit = [p for p in PAIRS if p.source.endswith("/profit")]
    for pair in profit:
        loss = "reported a net loss" in pair.premise
        says_profit = bool(re.search(r"was profitable|made a profit|earned net income", pair.hypothesis))
        assert pair.target == (CONTRADICTION if loss == says_profit else ENTAILMENT)


def test_the_pairs_of_one_scenario_fall_on_one_side_of_the_dev_split() -> None:
    sides: dict[str, set[bool]] = {}
    for p in PAIRS:
        sides.setdefault(p.group, set()).add(is_dev(Pair(p.source, p.group, p.premise, p.hypothesis, p.target)))

    assert all(len(side) == 1 for side in sides.values())
    assert 0 < Counter(next(iter(s)) for s in sides.values())[True] < len(sides) / 5
