"""Calibration: the rules, the fitted combiner and its threshold, fitting on signals, the pipeline's LLM policy."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from service.bootstrap import Components, build
from service.calibration import (
    LABELS,
    Calibration,
    Combiner,
    feature_names,
    signal_features,
    temper,
)
from service.config import Settings
from service.domain import Decider, Document, Label, Signals
from service.errors import DatasetFormatError, ModelUnavailableError
from service.evidence import Query
from service.fakes import ConstantVerifier, HashingEmbedder, KeywordJudge
from service.verdict_policy import NO_EVIDENCE_PRIOR, NUMERIC_PRIOR, LlmCall, VerdictPolicy, VerdictSource
from training.calibration_fit import CalibrationClaim, fit_calibration
from training.calibration_run import read_signals, signals_from_json, signals_to_json, write_signals
from vericlaim.cli import app

pytestmark = pytest.mark.unit

ACME = Document("acme.txt", "Acme Corporation reported revenue of $6.4 billion in 2023. Acme employs many people.")


def signals(verifier: dict[Label, float] | None = None, **changes: object) -> Signals:
    values: dict[str, object] = {"retrieval_score": 0.5, "retrieval_dense": 0.6, "evidence_count": 3,
                                 "verifier": verifier or {Label.SUPPORTED: 0.6, Label.REFUTED: 0.2,
                                                          Label.NOT_ENOUGH_INFO: 0.2}}
    return Signals(**{**values, **changes})  # type: ignore[arg-type]


def verifier_only_combiner(threshold: float = 0.5) -> Combiner:
    """Probabilities equal to the verifier's: weights 1 on its log-probabilities, nothing else."""
    names = feature_names(with_llm=False)
    weights = np.zeros((len(names), len(LABELS)))
    for column, label in enumerate(("supported", "refuted", "nei")):
        weights[names.index(f"verifier_log_{label}"), column] = 1.0
    return Combiner(names, np.zeros(len(names)), np.ones(len(names)), weights, np.zeros(3), threshold,
                    (1.0, 0.0, 0.0))


def with_llm_combiner() -> Combiner:
    """Probabilities equal to the LLM's."""
    names = feature_names(with_llm=True)
    weights = np.zeros((len(names), len(LABELS)))
    for column, label in enumerate(("supported", "refuted", "nei")):
        weights[names.index(f"llm_log_{label}"), column] = 1.0
    return Combiner(names, np.zeros(len(names)), np.ones(len(names)), weights, np.zeros(3), 0.5, (1.0, 0.0, 0.0))


def calibration(llm_gain: float | None = None, temperature: float = 1.0) -> Calibration:
    return Calibration(0.9, 0.8, verifier_only_combiner(), with_llm_combiner() if llm_gain is not None else None,
                       llm_gain, {"verifier": "constant-verifier", "llm_sha256": KeywordJudge.model_sha256},
                       verifier_temperature=temperature)


def policy(cal: Calibration, source: str = "calibrated", *, numeric: bool = True,
           llm_sha256: str = KeywordJudge.model_sha256) -> VerdictPolicy:
    return VerdictPolicy(source=VerdictSource(source), llm_call=LlmCall.AUTO, fast_path_confidence=0.85,
                         numeric_decides=numeric, calibration=cal, verifier_name="constant-verifier",
                         llm_sha256=lambda: llm_sha256)


# ---- deciding ---------------------------------------------------------------------------------------------

def test_no_evidence_and_a_numeric_decision_are_rules_with_their_measured_confidence() -> None:
    cal = calibration()

    decide = policy(cal).decide

    assert decide(signals(evidence_count=0)) == decide(signals(evidence_count=0, numeric=Label.SUPPORTED))
    assert policy(cal).decide(signals(evidence_count=0)).label is Label.NOT_ENOUGH_INFO
    assert policy(cal).decide(signals(evidence_count=0)).confidence == 0.9
    numeric = policy(cal).decide(signals(numeric=Label.REFUTED))
    assert (numeric.label, numeric.confidence, numeric.decided_by) == (Label.REFUTED, 0.8, Decider.NUMERIC)
    assert numeric.probabilities == {Label.SUPPORTED: 0.1, Label.REFUTED: 0.8, Label.NOT_ENOUGH_INFO: 0.1}
    assert policy(cal, numeric=False).decide(signals(numeric=Label.REFUTED)).decided_by is Decider.CALIBRATED


def test_supported_or_refuted_needs_the_threshold_else_not_enough_info() -> None:
    sure = {Label.SUPPORTED: 0.6, Label.REFUTED: 0.1, Label.NOT_ENOUGH_INFO: 0.3}
    unsure = {Label.SUPPORTED: 0.45, Label.REFUTED: 0.3, Label.NOT_ENOUGH_INFO: 0.25}

    assert policy(calibration()).decide(signals(sure)).label is Label.SUPPORTED
    decision = policy(calibration()).decide(signals(unsure))
    assert decision.label is Label.NOT_ENOUGH_INFO  # NEI wins although it is the least likely label
    assert decision.probabilities[Label.SUPPORTED] == pytest.approx(0.45, abs=1e-3)
    assert decision.confidence == pytest.approx(0.25, abs=1e-3)  # identity Platt map


def test_the_llm_columns_are_used_only_for_the_llm_the_calibration_was_fitted_for() -> None:
    cal = calibration(llm_gain=0.05)
    said = signals(llm={Label.SUPPORTED: 0.1, Label.REFUTED: 0.8, Label.NOT_ENOUGH_INFO: 0.1})

    assert cal.combine(said, use_llm=True).label is Label.REFUTED
    assert cal.combine(said, use_llm=True).decided_by is Decider.CALIBRATED_LLM
    assert cal.combine(said, use_llm=False).label is Label.SUPPORTED
    assert cal.fits_llm(KeywordJudge.model_sha256) and not cal.fits_llm("f" * 64)
    assert cal.llm_helps(KeywordJudge.model_sha256) and not calibration(llm_gain=-0.01).llm_helps("0" * 64)


def test_tempering_keeps_the_order_and_a_temperature_above_one_flattens() -> None:
    sharp = {Label.SUPPORTED: 0.7, Label.REFUTED: 0.2, Label.NOT_ENOUGH_INFO: 0.1}

    flat, same = temper(sharp, 2.0), temper(sharp, 1.0)
    assert sorted(flat, key=flat.__getitem__) == sorted(sharp, key=sharp.__getitem__)
    assert flat[Label.SUPPORTED] < 0.7 and flat[Label.NOT_ENOUGH_INFO] > 0.1
    assert sum(flat.values()) == pytest.approx(1.0)
    assert all(same[label] == pytest.approx(sharp[label]) for label in LABELS)


def test_under_the_verifier_a_calibration_sets_confidences_but_never_the_label() -> None:
    cal = calibration(temperature=2.0)
    unsure = {Label.SUPPORTED: 0.45, Label.REFUTED: 0.3, Label.NOT_ENOUGH_INFO: 0.25}

    decision = policy(cal, "verifier").decide(signals(unsure))
    assert decision is not None and decision.label is Label.SUPPORTED  # the combiner would say NEI here
    assert decision.decided_by is Decider.VERIFIER
    assert decision.confidence == pytest.approx(temper(unsure, 2.0)[Label.SUPPORTED], abs=1e-4)
    assert decision.confidence < 0.45
    assert policy(cal, "verifier").decide(signals(evidence_count=0)).confidence == 0.9
    assert policy(cal, "verifier").decide(signals(numeric=Label.REFUTED)).confidence == 0.8
    unscored = policy(cal, "verifier").decide(replace(signals(), verifier=None))
    assert (unscored.label, unscored.confidence, unscored.probabilities) == (Label.NOT_ENOUGH_INFO, 0.0, {})


def test_a_calibration_file_reads_back_and_a_broken_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cal.json"
    calibration(llm_gain=0.02, temperature=1.3).save(path)

    loaded = Calibration.load(path)
    assert policy(loaded).decide(signals()) == policy(calibration(llm_gain=0.02)).decide(signals())
    assert loaded.llm_gain == 0.02 and loaded.with_llm is not None and len(loaded.sha256) == 64
    assert loaded.verifier_temperature == 1.3 and loaded.verifier_offsets == (0.0, 0.0, 0.0)
    older = json.loads(path.read_text())
    del older["verifier_temperature"], older["verifier_offsets"]  # files written before these existed
    path.write_text(json.dumps(older))
    assert Calibration.load(path).verifier_temperature == 1.0
    path.write_text(json.dumps({"format": "vericlaim-calibration/1", "no_evidence_confidence": 0.5}))
    with pytest.raises(ModelUnavailableError, match="cannot read calibration"):
        Calibration.load(path)


def test_the_bundled_calibration_loads_and_names_what_it_was_fitted_for() -> None:
    bundled = Calibration.load()

    assert bundled.fitted_for["verifier"] and bundled.report["contributions"]
    assert 0.0 < bundled.no_evidence_confidence < 1.0 and 0.0 < bundled.numeric_confidence < 1.0


# ---- fitting ----------------------------------------------------------------------------------------------

def synthetic_claims(n: int, seed: int, llm_informative: bool) -> list[CalibrationClaim]:
    """The verifier is right 70% of the time; the LLM is right 90% of the time or random."""
    rng = np.random.default_rng(seed)
    claims = []
    for _ in range(n):
        gold = LABELS[rng.integers(3)]
        said = gold if rng.random() < 0.7 else LABELS[rng.integers(3)]
        verifier = {label: 0.6 if label is said else 0.2 for label in LABELS}
        llm_said = gold if llm_informative and rng.random() < 0.9 else LABELS[rng.integers(3)]
        llm = {label: 0.8 if label is llm_said else 0.1 for label in LABELS}
        claims.append(CalibrationClaim(signals(verifier, retrieval_dense=float(rng.random()), llm=llm), gold))
    return claims


def test_a_fit_on_signals_learns_the_informative_signal_and_reports_its_contribution() -> None:
    fitted = fit_calibration(synthetic_claims(300, 0, llm_informative=False), fitted_for={"verifier": "v"})

    combined = fitted.report["combined"]
    assert 0.7 <= combined["accuracy"] <= 0.9  # what the verifier alone can give
    assert combined["ece"] < 0.1
    contributions = fitted.report["contributions"]
    assert contributions["verifier"] > 0.2 and abs(contributions["retrieval"]) < 0.05
    assert fitted.llm_gain is not None and fitted.llm_gain <= 0.0  # a random LLM surely earns nothing


def test_an_informative_llm_earns_a_gain_and_is_then_worth_asking() -> None:
    fitted = fit_calibration(synthetic_claims(300, 1, llm_informative=True),
                             fitted_for={"verifier": "v", "llm_sha256": "abc"})

    assert fitted.llm_gain is not None and fitted.llm_gain > 0.05  # surely there: the bootstrap's 5th percentile
    assert fitted.report["with_llm"]["gain"] > fitted.llm_gain
    assert fitted.llm_helps("abc") and not fitted.llm_helps("other")
    assert fitted.report["with_llm"]["contributions"]["llm"] > 0.1


def test_an_overconfident_verifier_gets_a_temperature_above_one_and_rules_keep_their_priors() -> None:
    claims = synthetic_claims(300, 4, llm_informative=False)  # its top label (0.6) is right about 0.8 of the time
    overconfident = [CalibrationClaim(replace(c.signals, verifier=temper(c.signals.verifier or {}, 0.3)), c.gold)
                     for c in claims]

    fitted = fit_calibration(overconfident, fitted_for={"verifier": "v"})
    fit = fitted.report["verifier_temperature"]
    assert fitted.verifier_temperature > 2.0 and fit["ece_after"] < fit["ece_before"]
    assert fitted.report["verifier_alone"]["claims"] == 300
    # no claim had no evidence or a numeric decision: the rules keep their priors
    assert (fitted.no_evidence_confidence, fitted.numeric_confidence) == (NO_EVIDENCE_PRIOR, NUMERIC_PRIOR)


def test_a_verifier_that_says_nei_too_often_gets_offsets_that_fix_its_label() -> None:
    """Like an NLI model that reads most evidence as neutral: NEI is its top label even when it leans S or R."""
    rng = np.random.default_rng(5)
    claims = []
    for _ in range(300):
        gold = LABELS[rng.integers(3)]
        lean = {label: 0.35 if label is gold else 0.05 for label in LABELS[:2]}
        claims.append(CalibrationClaim(signals({**lean, Label.NOT_ENOUGH_INFO: 1 - sum(lean.values())}), gold))

    fitted = fit_calibration(claims, fitted_for={"verifier": "v"})

    report = fitted.report["verifier_offsets"]
    assert report["used"] and report["macro_f1_out_of_fold"] > report["macro_f1_before"] + 0.3
    supported, refuted, nei = fitted.verifier_offsets
    assert supported > 0 and refuted > 0 and nei == 0.0
    # the report says what the offsets do to each label: S and R recovered from NEI, NEI's own claims kept
    before, after = report["recall_before"], report["recall_after"]
    assert before[0] == before[1] == 0.0 and before[2] == 1.0
    assert after[0] > 0.9 and after[1] > 0.9 and after[2] > 0.9
    leaning = signals({Label.SUPPORTED: 0.35, Label.REFUTED: 0.05, Label.NOT_ENOUGH_INFO: 0.6})
    decision = policy(fitted, "verifier").decide(leaning)
    assert decision is not None and decision.label is Label.SUPPORTED
    assert sum(decision.probabilities.values()) == pytest.approx(1.0)


def test_offsets_that_do_not_help_out_of_fold_are_not_used() -> None:
    fitted = fit_calibration(synthetic_claims(300, 0, llm_informative=False), fitted_for={"verifier": "v"})

    assert fitted.verifier_offsets == (0.0, 0.0, 0.0) and not fitted.report["verifier_offsets"]["used"]


def test_too_few_claims_to_fit_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least 10 claims"):
        fit_calibration(synthetic_claims(5, 0, llm_informative=False), fitted_for={})


def test_signals_survive_their_file(tmp_path: Path) -> None:
    claims = synthetic_claims(4, 2, llm_informative=True)
    path = tmp_path / "s.jsonl"
    write_signals(path, claims, {"verifier": "v"}, ["set-a (train, 4 claims)"])

    assert read_signals(path) == (claims, {"verifier": "v"}, ["set-a (train, 4 claims)"])
    assert signals_from_json(signals_to_json(signals(numeric=Label.REFUTED))) == signals(numeric=Label.REFUTED)
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(DatasetFormatError, match=r"s\.jsonl:6"):
        read_signals(path)


def test_calibrate_refits_from_saved_signals_on_the_command_line(tmp_path: Path) -> None:
    saved = tmp_path / "s.jsonl"
    write_signals(saved, synthetic_claims(120, 3, llm_informative=False), {"verifier": "v", "embedding_model": "e"})
    out = tmp_path / "cal.json"

    result = CliRunner().invoke(app, ["calibrate", "--from-signals", str(saved), "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert "macro-F1 lost without each signal" in result.output
    assert Calibration.load(out).fitted_for == {"verifier": "v", "embedding_model": "e"}
    nothing = CliRunner().invoke(app, ["calibrate", "--out", str(out)])
    assert nothing.exit_code != 0 and "name labelled claim sets" in nothing.output


def test_calibrate_prints_the_llm_offsets_it_fitted(tmp_path: Path) -> None:
    saved = tmp_path / "s.jsonl"
    write_signals(saved, synthetic_claims(120, 3, llm_informative=True),
                  {"verifier": "v", "embedding_model": "e", "llm_file": "m.gguf", "llm_sha256": "abc"})

    result = CliRunner().invoke(app, ["calibrate", "--from-signals", str(saved), "--out", str(tmp_path / "c.json")])

    assert result.exit_code == 0, result.output
    assert "  LLM offsets" in result.output


# ---- the pipeline's LLM policy --------------------------------------------------------------------------

def calibrated_components(tmp_path: Path, verifier: dict[Label, float], llm_gain: float | None,
                          **judge: object) -> Components:
    settings = Settings(home=tmp_path, judge={"verdict_source": "calibrated", **judge})
    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge(), verifier=ConstantVerifier(verifier),
                  calibration=calibration(llm_gain))
    built.library.ingest([ACME])
    return built


SURE = {Label.SUPPORTED: 0.95, Label.REFUTED: 0.03, Label.NOT_ENOUGH_INFO: 0.02}
UNSURE = {Label.SUPPORTED: 0.55, Label.REFUTED: 0.35, Label.NOT_ENOUGH_INFO: 0.1}
CLAIM = Query("Acme Corporation reported revenue")


@pytest.mark.parametrize(("verifier", "gain", "judge", "asked"), [
    (SURE, 0.05, {}, False),  # confident: the fast path skips the LLM
    (UNSURE, 0.05, {}, True),  # unsure, and the LLM helps: asked
    (UNSURE, -0.01, {}, False),  # unsure, but the LLM did not help in calibration
    (UNSURE, None, {}, False),  # never calibrated with the LLM
    (SURE, None, {"llm_call": "always"}, True),
    (UNSURE, 0.05, {"llm_call": "never"}, False),
])
def test_the_llm_is_asked_only_when_it_is_worth_it(tmp_path: Path, verifier: dict[Label, float],
                                                   gain: float | None, judge: dict[str, str], asked: bool) -> None:
    built = calibrated_components(tmp_path, verifier, gain, **judge)

    verdict = built.pipeline.check(CLAIM)

    assert (built.pipeline.judge.calls == 1) is asked  # type: ignore[attr-defined]
    assert (verdict.signals is not None and verdict.signals.llm is not None) is asked
    assert ("judge_ms" in verdict.timings) is asked
    assert verdict.decided_by in (Decider.CALIBRATED, Decider.CALIBRATED_LLM)
    assert verdict.stamp.decider.startswith("calibrated:")


def test_explain_asks_the_llm_for_the_rationale_on_the_fast_path(tmp_path: Path) -> None:
    built = calibrated_components(tmp_path, SURE, None)

    verdict = built.pipeline.check(CLAIM, explain=True)

    assert built.pipeline.judge.calls == 1  # type: ignore[attr-defined]
    assert verdict.label is Label.SUPPORTED and verdict.decided_by is Decider.CALIBRATED
    # the LLM did not decide: its text is commentary, after what did decide
    assert verdict.rationale.startswith("Calibrated combination of the signals")
    assert verdict.rationale.endswith("LLM commentary (it did not decide): passage 1 shares 100% of the words")


def test_the_default_verifier_decides_with_the_calibrations_confidence(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)  # verdict_source=verifier
    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge(), verifier=ConstantVerifier(UNSURE),
                  calibration=calibration(temperature=2.0))  # no LLM fitted: it is never asked
    built.library.ingest([ACME])

    verdict = built.pipeline.check(CLAIM)

    assert verdict.label is Label.SUPPORTED and verdict.decided_by is Decider.VERIFIER
    assert verdict.confidence == pytest.approx(temper(UNSURE, 2.0)[Label.SUPPORTED], abs=1e-4)
    assert verdict.probabilities == pytest.approx(temper(UNSURE, 2.0), abs=1e-4)
    assert verdict.probabilities[Label.SUPPORTED] == verdict.confidence
    assert built.pipeline.judge.calls == 0  # type: ignore[attr-defined]
    assert "+confidence:" in verdict.stamp.decider


@pytest.mark.parametrize("verifier, asked", [(UNSURE, True), (SURE, False)])
def test_under_the_verifier_an_llm_that_helps_is_asked_only_when_the_verdict_is_unsure(
        tmp_path: Path, verifier: dict[Label, float], asked: bool) -> None:
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge(),
                  verifier=ConstantVerifier(verifier), calibration=calibration(llm_gain=0.05))
    built.library.ingest([ACME])

    verdict = built.pipeline.check(CLAIM)
    explained = built.pipeline.check(CLAIM, explain=True)

    assert (built.pipeline.judge.calls == 2) is asked  # type: ignore[attr-defined]
    assert verdict.decided_by is (Decider.CALIBRATED_LLM if asked else Decider.VERIFIER)
    assert explained.decided_by is verdict.decided_by  # asking for a rationale does not change who decides


def test_under_verdict_source_llm_its_fitted_offsets_set_the_label(tmp_path: Path) -> None:
    says_nei = {Label.SUPPORTED: 0.3, Label.REFUTED: 0.1, Label.NOT_ENOUGH_INFO: 0.6}
    fitted = replace(calibration(), llm_offsets=(1.0, 0.0, 0.0))
    sure = signals(llm=says_nei)

    decision = policy(fitted, "llm").decide(sure)
    assert decision.label is Label.SUPPORTED and decision.decided_by is Decider.LLM
    raw = policy(fitted, "llm", llm_sha256="another model file").decide(sure)  # offsets for another file: raw
    assert raw.label is Label.NOT_ENOUGH_INFO and raw.probabilities == says_nei
    assert policy(calibration(), "llm").decide(sure).probabilities == says_nei  # no offsets fitted

    path = tmp_path / "cal.json"
    fitted.save(path)
    settings = Settings(home=tmp_path, judge={"verdict_source": "llm", "calibration": path})
    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge(), verifier=ConstantVerifier(SURE),
                  calibration=Calibration.load(path))
    assert built.pipeline.policy.decide(sure).label is Label.SUPPORTED
    from service.bootstrap import load_calibration

    assert load_calibration(settings, None) is not None  # under `llm`, a file with LLM offsets is used
    calibration().save(path)
    assert load_calibration(settings, None) is None  # … and one without them is not


def test_the_fast_path_verdict_carries_its_signals_and_citations(tmp_path: Path) -> None:
    verdict = calibrated_components(tmp_path, SURE, None).pipeline.check(CLAIM)

    assert verdict.label is Label.SUPPORTED and verdict.citations
    assert verdict.signals is not None and verdict.signals.verifier == SURE
    assert verdict.signals.evidence_count >= 1 and verdict.signals.retrieval_dense > 0
    assert "Calibrated combination" in verdict.rationale


def test_features_are_read_by_name_so_files_fitted_before_a_feature_still_load() -> None:
    strongest = signals(verifier_max_supported=0.9, verifier_max_refuted=0.01)
    older = ("verifier_log_supported", "evidence_count")

    assert signal_features(strongest, older) == pytest.approx([math.log(0.6), 3.0])
    assert signal_features(strongest, ("verifier_max_log_supported", "verifier_max_log_refuted")) == \
        pytest.approx([math.log(0.9), math.log(0.01)])
    # a verifier that reads no single passage: the claim's own probabilities stand in
    assert signal_features(signals(), ("verifier_max_log_refuted",)) == pytest.approx([math.log(0.2)])
