"""Fit a `Calibration` from labelled claims' signals (what `vericlaim calibrate` does after running them).

Per claim: its `Signals` (from the same pipeline the service runs) and its gold label. The two rules get the
accuracy they had here as their confidence, shrunk toward their priors by `PRIOR_WEIGHT` pseudo-claims (a
rule seen on a handful of claims keeps most of its prior). The verifier's temperature is the one that
minimises the log-loss of its probabilities on the claims with evidence: it sets the confidence of the
default, verifier-decided verdicts. The combiners are multinomial logistic regressions over every claim that
had evidence; their threshold and Platt map are fitted on 5-fold out-of-fold probabilities, so the scores in
the report are out-of-fold too (the Platt map is then scored on the rows it was fitted on: its ECE is
slightly optimistic). Each signal group's contribution is the out-of-fold macro-F1 lost when the combiner is
refitted without that group. The LLM counts (is asked at all) only when the macro-F1 its columns add is above
zero at the 5th percentile of a paired bootstrap. scikit-learn does the fitting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from eval.metrics import accuracy, expected_calibration_error
from service.calibration import (
    LABELS,
    SIGNAL_GROUPS,
    Calibration,
    Combiner,
    feature_names,
    signal_features,
)
from service.domain import Label, Signals
from service.verdict_policy import NO_EVIDENCE_PRIOR, NUMERIC_PRIOR
from training.probability_fit import fit_offsets, fit_temperature, macro_f1

FOLDS = 5
MIN_LLM_CLAIMS = 30  # fewer claims with the LLM's probabilities than this: no model with its columns
PRIOR_WEIGHT = 10  # pseudo-claims of a rule's prior confidence added to what it scored here
_THRESHOLDS = np.round(np.arange(0.20, 0.81, 0.01), 2)


@dataclass(frozen=True)
class CalibrationClaim:
    signals: Signals
    gold: Label
    timings: dict[str, float] | None = None  # the check's stage timings (ms), when gathered: bench/cascade.py


@dataclass(frozen=True)
class _Fit:
    combiner: Combiner
    out_of_fold: np.ndarray  # (rows, labels)
    scores: dict[str, float]


def fit_calibration(claims: Sequence[CalibrationClaim], *, fitted_for: dict[str, str],
                    description: dict[str, Any] | None = None, seed: int = 0) -> Calibration:
    """Rules, the combiner without the LLM's columns, and one with them when enough claims carry them."""
    with_evidence = [c for c in claims if c.signals.evidence_count > 0]
    if len(with_evidence) < 2 * FOLDS or len({c.gold for c in with_evidence}) < 2:
        raise ValueError(f"{len(with_evidence)} claims with evidence and {len({c.gold for c in with_evidence})} "
                         f"labels: calibration needs at least {2 * FOLDS} claims and two labels")
    no_evidence = [c.gold is Label.NOT_ENOUGH_INFO for c in claims if c.signals.evidence_count == 0]
    numeric = [c.gold is c.signals.numeric for c in with_evidence if c.signals.numeric is not None]
    without = _fit(with_evidence, with_llm=False, seed=seed)
    offsets = fit_offsets(*_verifier_rows(with_evidence), seed=seed, folds=FOLDS)
    temperature = fit_temperature(*_verifier_rows(with_evidence), tuple(offsets["offsets"]), folds=FOLDS)
    report: dict[str, Any] = {
        **(description or {}),
        "claims": len(claims),
        "rules": {"no_evidence": _rule(no_evidence), "numeric": _rule(numeric)},
        "combined": without.scores,
        "verifier_offsets": offsets,
        "verifier_temperature": temperature,
        "verifier_alone": _verifier_alone(with_evidence),
        "contributions": _contributions(with_evidence, without.scores["macro_f1"], with_llm=False, seed=seed),
    }
    with_llm, llm_gain = None, None
    asked = [c for c in with_evidence if c.signals.llm is not None]
    if len(asked) >= max(MIN_LLM_CLAIMS, 2 * FOLDS) and len({c.gold for c in asked}) >= 2:
        report["llm_offsets"] = fit_offsets(*_verifier_rows(asked, "llm"), seed=seed, folds=FOLDS)
        fit = _fit(asked, with_llm=True, seed=seed)
        baseline = _fit(asked, with_llm=False, seed=seed)
        gold = np.array([LABELS.index(c.gold) for c in asked])
        llm_gain = _sure_gain(gold, _choose(fit.out_of_fold, fit.combiner.threshold)[0],
                              _choose(baseline.out_of_fold, baseline.combiner.threshold)[0], seed)
        with_llm = fit.combiner
        report["with_llm"] = {**fit.scores, "macro_f1_without_llm_same_claims": baseline.scores["macro_f1"],
                              "gain": round(fit.scores["macro_f1"] - baseline.scores["macro_f1"], 4),
                              "sure_gain": llm_gain,
                              "contributions": _contributions(asked, fit.scores["macro_f1"], with_llm=True,
                                                              seed=seed)}
    return Calibration(
        no_evidence_confidence=_shrunk(no_evidence, NO_EVIDENCE_PRIOR),
        numeric_confidence=_shrunk(numeric, NUMERIC_PRIOR),
        without_llm=without.combiner,
        with_llm=with_llm,
        verifier_temperature=temperature["temperature"],
        verifier_offsets=tuple(offsets["offsets"]),
        llm_offsets=tuple(report["llm_offsets"]["offsets"]) if "llm_offsets" in report else None,
        llm_gain=llm_gain,
        fitted_for=fitted_for,
        report=report,
    )


def _fit(claims: Sequence[CalibrationClaim], *, with_llm: bool, seed: int,
         drop: tuple[str, ...] = ()) -> _Fit:
    names = tuple(name for name in feature_names(with_llm) if name not in drop)
    rows = np.stack([signal_features(c.signals, names) for c in claims])
    gold = np.array([LABELS.index(c.gold) for c in claims])
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale < 1e-9] = 1.0
    design = (rows - mean) / scale
    out_of_fold = _out_of_fold(design, gold, seed)
    threshold = _best_threshold(out_of_fold, gold)
    chosen, p_chosen = _choose(out_of_fold, threshold)
    platt = _platt(p_chosen, chosen, gold)
    weights, bias = _logistic(design, gold)
    combiner = Combiner(names, mean, scale, weights, bias, float(threshold), platt)
    confidences = np.array([combiner.confidence(float(p), LABELS[c]) for p, c in zip(p_chosen, chosen,
                                                                                     strict=True)])
    return _Fit(combiner, out_of_fold, _scores(gold, chosen, confidences, threshold))


def _logistic(design: np.ndarray, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features × all labels) and biases; a label absent from `gold` gets a bias it never wins with."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit(design, gold)
    weights = np.zeros((design.shape[1], len(LABELS)))
    bias = np.full(len(LABELS), -30.0)
    classes = list(model.classes_)
    if len(classes) == 2:  # sklearn keeps one column for two classes: p(second) = σ(w·x + b)
        weights[:, classes[1]], bias[classes[1]] = model.coef_[0], model.intercept_[0]
        bias[classes[0]] = 0.0
    else:
        for column, label in enumerate(classes):
            weights[:, label], bias[label] = model.coef_[column], model.intercept_[column]
    return weights, bias


def _out_of_fold(design: np.ndarray, gold: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.model_selection import KFold, StratifiedKFold

    smallest = np.bincount(gold).min(initial=len(gold)) if len(set(gold)) > 1 else 0
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=seed) if smallest >= FOLDS \
        else KFold(FOLDS, shuffle=True, random_state=seed)
    out = np.zeros((len(gold), len(LABELS)))
    for train, test in splitter.split(design, gold):
        if len(set(gold[train])) < 2:
            out[test] = np.bincount(gold[train], minlength=len(LABELS)) / len(train)
            continue
        weights, bias = _logistic(design[train], gold[train])
        logits = design[test] @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        out[test] = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return out


def _choose(probabilities: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Chosen label indices and their probabilities, as `Combiner.choose` picks them."""
    best = probabilities[:, :2].argmax(axis=1)
    nei = LABELS.index(Label.NOT_ENOUGH_INFO)
    chosen = np.where(probabilities[np.arange(len(best)), best] >= threshold, best, nei)
    return chosen, probabilities[np.arange(len(chosen)), chosen]


def _best_threshold(probabilities: np.ndarray, gold: np.ndarray) -> float:
    """The SUPPORTED/REFUTED threshold with the best macro-F1 (ties: the lowest threshold)."""
    results = [(macro_f1(gold, _choose(probabilities, t)[0]), -t) for t in _THRESHOLDS]
    return float(-max(results)[1])


def _platt(p_chosen: np.ndarray, chosen: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    from sklearn.linear_model import LogisticRegression

    correct = (chosen == gold).astype(int)
    if correct.min() == correct.max():
        return (1.0, 0.0, 0.0)
    p = np.clip(p_chosen, 1e-4, 1 - 1e-4)
    x = np.column_stack([np.log(p / (1 - p)), chosen == LABELS.index(Label.NOT_ENOUGH_INFO)])
    model = LogisticRegression(C=100.0, max_iter=2000).fit(x, correct)
    return float(model.coef_[0][0]), float(model.coef_[0][1]), float(model.intercept_[0])


def _scores(gold: np.ndarray, chosen: np.ndarray, confidences: np.ndarray, threshold: float) -> dict[str, float]:
    gold_labels, chosen_labels = [LABELS[i] for i in gold], [LABELS[i] for i in chosen]
    correct = [g == c for g, c in zip(gold_labels, chosen_labels, strict=True)]
    return {"claims": len(gold), "accuracy": round(accuracy(gold_labels, chosen_labels), 4),
            "macro_f1": round(macro_f1(gold, chosen), 4), "threshold": threshold,
            "ece": round(expected_calibration_error(confidences.tolist(), correct), 4)}


def _sure_gain(gold: np.ndarray, with_llm: np.ndarray, without: np.ndarray, seed: int,
               resamples: int = 1000) -> float:
    """The macro-F1 gain of the LLM's columns that is surely there: the 5th percentile of a paired bootstrap
    over the claims (a gain within the noise of a small calibration set comes out at or below zero)."""
    rng = np.random.default_rng(seed)
    gains = []
    for _ in range(resamples):
        rows = rng.integers(0, len(gold), len(gold))
        gains.append(macro_f1(gold[rows], with_llm[rows]) - macro_f1(gold[rows], without[rows]))
    return round(float(np.percentile(gains, 5)), 4)


def _contributions(claims: Sequence[CalibrationClaim], full: float, *, with_llm: bool,
                   seed: int) -> dict[str, float]:
    """Out-of-fold macro-F1 lost when each signal group is left out of the combiner."""
    groups = [g for g in SIGNAL_GROUPS if with_llm or g != "llm"]
    return {group: round(full - _fit(claims, with_llm=with_llm, seed=seed, drop=SIGNAL_GROUPS[group])
                         .scores["macro_f1"], 4) for group in groups}


def _rule(outcomes: Sequence[bool]) -> dict[str, float | None]:
    return {"claims": len(outcomes), "accuracy": round(sum(outcomes) / len(outcomes), 4) if outcomes else None}


def _shrunk(outcomes: Sequence[bool], prior: float) -> float:
    """The rule's accuracy here, shrunk toward its prior by `PRIOR_WEIGHT` pseudo-claims."""
    return round((sum(outcomes) + PRIOR_WEIGHT * prior) / (len(outcomes) + PRIOR_WEIGHT), 4)


def _verifier_alone(claims: Sequence[CalibrationClaim]) -> dict[str, float]:
    """The verifier's argmax on the same claims, no rules: what the combiner must beat to be worth using."""
    scored = [(c.signals.verifier, c.gold) for c in claims if c.signals.verifier]
    if not scored:
        return {"claims": 0}
    gold = np.array([LABELS.index(label) for _, label in scored])
    chosen = np.array([LABELS.index(max(verifier, key=verifier.__getitem__)) for verifier, _ in scored])
    return {"claims": len(scored), "accuracy": round(float((gold == chosen).mean()), 4),
            "macro_f1": round(macro_f1(gold, chosen), 4)}


def _verifier_rows(claims: Sequence[CalibrationClaim], source: str = "verifier") -> tuple[np.ndarray, np.ndarray]:
    """(probabilities in `LABELS` order, gold indices) of the claims `source` ("verifier" or "llm") scored."""
    scored = [(getattr(c.signals, source), LABELS.index(c.gold)) for c in claims if getattr(c.signals, source)]
    return (np.array([[p[label] for label in LABELS] for p, _ in scored]).reshape(-1, len(LABELS)),
            np.array([g for _, g in scored], dtype=int))
