"""Building verifier training examples: figure perturbations, claim clean-up, the fixed training half."""

from __future__ import annotations

import pytest

from eval.training_pairs import clean_claim, in_training_half, perturb_figure

pytestmark = pytest.mark.unit


def test_a_figure_the_evidence_repeats_is_changed() -> None:
    evidence = "The trial enrolled 1,200 patients in 2021."
    changed = perturb_figure("The trial enrolled 1,200 patients.", evidence, "key")
    assert changed is not None and changed != "The trial enrolled 1,200 patients."
    assert changed.startswith("The trial enrolled ") and "1,200" not in changed


def test_a_year_moves_by_a_year_or_two() -> None:
    changed = perturb_figure("It started in 2021.", "It started in 2021.", "key")
    assert changed in {"It started in 2019.", "It started in 2020.", "It started in 2022."}


def test_figures_not_in_the_evidence_or_inside_names_are_left_alone() -> None:
    assert perturb_figure("COVID-19 cost 40 lives.", "COVID-19 cost many lives.", "key") is None
    assert perturb_figure("No figures here.", "None there.", "key") is None


def test_perturbation_is_deterministic() -> None:
    args = ("Deaths fell 30% in 2020.", "Deaths fell 30% in 2020.", "claim-7")
    assert perturb_figure(*args) == perturb_figure(*args)


def test_citation_markers_are_dropped() -> None:
    assert clean_claim("RNAs drive metastasis [<|multi_cit|>].") == "RNAs drive metastasis."


def test_the_training_half_is_fixed_and_about_half() -> None:
    picks = [in_training_half("wice", str(i)) for i in range(1000)]
    assert picks == [in_training_half("wice", str(i)) for i in range(1000)]
    assert 400 < sum(picks) < 600
