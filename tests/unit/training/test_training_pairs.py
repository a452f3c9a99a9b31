"""Building verifier training examples: figure perturbations, claim clean-up, the fixed training half and
calibration share, and which claims a verifier was trained on."""

from __future__ import annotations

import pytest

from eval.trained_claims import in_calibration_share, in_training_half, trained_on
from training.training_pairs import clean_claim, perturb_figure

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


def test_the_calibration_share_is_fixed_and_about_a_third() -> None:
    picks = [in_calibration_share("check-covid", str(i)) for i in range(1500)]
    assert picks == [in_calibration_share("check-covid", str(i)) for i in range(1500)]
    assert 400 < sum(picks) < 600
    # not the same draw as the training half, so the two splits do not line up
    assert picks != [in_training_half("check-covid", str(i)) for i in range(1500)]


BUNDLED_LIKE = {"sets": ["check-covid", "wice"], "held_out": {"calibration": "…"}}


def test_dev_splits_of_sets_with_a_train_split_were_never_trained_on() -> None:
    assert not any(trained_on(BUNDLED_LIKE, "check-covid", "dev", str(i)) for i in range(200))


def test_a_single_file_set_was_trained_on_in_its_training_half_only() -> None:
    for i in range(200):
        assert trained_on(BUNDLED_LIKE, "wice", "dev", str(i)) == in_training_half("wice", str(i))


def test_a_train_split_was_trained_on_except_the_calibration_share() -> None:
    for i in range(200):
        assert trained_on(BUNDLED_LIKE, "check-covid", "train", str(i)) != in_calibration_share("check-covid", str(i))
    without_share = {"sets": ["check-covid"]}  # an artifact trained before the share was held out
    assert all(trained_on(without_share, "check-covid", "train", str(i)) for i in range(200))


def test_sets_the_verifier_did_not_train_on_are_all_held_out() -> None:
    assert not any(trained_on(BUNDLED_LIKE, "fever-symmetric", "dev", str(i)) for i in range(200))
    assert not any(trained_on({}, "wice", "dev", str(i)) for i in range(200))
