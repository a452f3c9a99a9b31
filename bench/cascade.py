"""Who should decide a claim: the verifier alone, the LLM alone, or the cascade (the figures engine and the
verifier decide when they are sure, the LLM judges the rest and its probabilities join the fitted combination)?

    vericlaim calibrate SET --format SET --split train --calibration-share --llm-claims 100000 \\
        --out runs/cascade/SET.json                    # once per set, with the LLM configured (VERICLAIM_MODELS__LLM)
    python bench/cascade.py runs/cascade/*.json.signals.jsonl [--thresholds 0.5,0.6,0.7,0.8,0.9]

Every claim in the signals files must carry the LLM's probabilities (`--llm-claims` at least the set's size), so
that each strategy is scored on the same claims. Scores are out-of-fold: the claims are split in five folds
(stratified by set and gold label); a calibration is fitted (`training.calibration_fit.fit_calibration`, the same
fit `vericlaim calibrate` writes) on four and the fifth is decided by the service's own `VerdictPolicy` under it:
  verifier    `llm_call=never`: rules, then the verifier with the fitted offsets and temperature
  llm         `verdict_source=llm`: rules, then the LLM's probabilities with its fitted offsets
  cascade τ   rules, then the verifier when its calibrated confidence is at least τ, else the fitted
              combination with the LLM's columns (what `llm_call=auto` does when the calibration says the LLM
              helps); τ = 1.01 asks the LLM for every claim the rules leave
Seconds per claim come from the timings the calibration run recorded: the check without the LLM for every claim,
plus the LLM's own time (`judge_ms`, prompt and a short rationale) for the claims sent to it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.metrics import expected_calibration_error
from service.domain import Decider, Decision, Label
from service.verdict_policy import LlmCall, VerdictPolicy, VerdictSource
from training.calibration_fit import CalibrationClaim, fit_calibration
from training.calibration_run import read_signals
from training.probability_fit import macro_f1  # over label indices, the labels present in gold

LABELS = (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO)
FOLDS = 5
LLM_SHA = "the-llm"


@dataclass(frozen=True)
class Scored:
    set_name: str
    gold: Label
    decision: Decision
    sent: bool  # the LLM was asked
    seconds: float


def policy(calibration: object, source: VerdictSource, llm_call: LlmCall, threshold: float) -> VerdictPolicy:
    return VerdictPolicy(source=source, llm_call=llm_call, fast_path_confidence=threshold, numeric_decides=True,
                         calibration=calibration, verifier_name="verifier", llm_sha256=lambda: LLM_SHA)  # type: ignore[arg-type]


def decide(strategy: str, threshold: float, calibration: object, claim: CalibrationClaim) -> tuple[Decision, bool]:
    """The decision under one strategy, and whether the LLM was asked."""
    without_llm = replace(claim.signals, llm=None)
    if strategy == "verifier":
        return policy(calibration, VerdictSource.VERIFIER, LlmCall.NEVER, threshold).decide(without_llm), False
    if strategy == "llm":
        chosen = policy(calibration, VerdictSource.LLM, LlmCall.ALWAYS, threshold)
        decision = chosen.decide(claim.signals)
        return decision, decision.decided_by is Decider.LLM
    chosen = policy(calibration, VerdictSource.VERIFIER, LlmCall.AUTO, threshold)
    first = chosen.decide(without_llm)
    if not chosen.unsure(first):
        return first, False
    return calibration.combine(claim.signals, use_llm=True), True  # type: ignore[attr-defined]


def seconds(claim: CalibrationClaim, sent: bool) -> float:
    timings = claim.timings or {}
    judge = timings.get("judge_ms", 0.0)
    return (timings.get("total_ms", 0.0) - judge + (judge if sent else 0.0)) / 1000


def folds(claims: Sequence[tuple[str, CalibrationClaim]], seed: int = 0) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold

    strata = [f"{name}:{claim.gold.value}" for name, claim in claims]
    assignment = np.zeros(len(claims), dtype=int)
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(claims)), strata)):
        assignment[test] = fold
    return assignment


def run(claims: Sequence[tuple[str, CalibrationClaim]], strategies: Sequence[tuple[str, float]]
        ) -> dict[tuple[str, float], list[Scored]]:
    assignment = folds(claims)
    results: dict[tuple[str, float], list[Scored]] = {key: [] for key in strategies}
    for fold in range(FOLDS):
        train = [claim for (_, claim), f in zip(claims, assignment, strict=True) if f != fold]
        calibration = fit_calibration(train, fitted_for={"verifier": "verifier", "llm_sha256": LLM_SHA})
        for (name, claim), f in zip(claims, assignment, strict=True):
            if f != fold:
                continue
            for key in strategies:
                decision, sent = decide(key[0], key[1], calibration, claim)
                results[key].append(Scored(name, claim.gold, decision, sent, seconds(claim, sent)))
    return results


def summary(scored: Sequence[Scored]) -> dict[str, float]:
    gold = np.array([LABELS.index(s.gold) for s in scored])
    chosen = np.array([LABELS.index(s.decision.label) for s in scored])
    recall = [float((chosen[gold == i] == i).mean()) if (gold == i).any() else float("nan") for i in range(3)]
    times = np.array([s.seconds for s in scored])
    return {"claims": len(scored), "accuracy": float((gold == chosen).mean()), "macro_f1": macro_f1(gold, chosen),
            "recall_s": recall[0], "recall_r": recall[1], "recall_nei": recall[2],
            "ece": expected_calibration_error([s.decision.confidence for s in scored],
                                              (gold == chosen).tolist()),
            "sent": float(np.mean([s.sent for s in scored])), "s_mean": float(times.mean()),
            "s_p50": float(np.median(times))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("signals", nargs="+", type=Path, help="FILE.signals.jsonl from `vericlaim calibrate`")
    parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8,0.9,1.01")
    args = parser.parse_args()
    claims: list[tuple[str, CalibrationClaim]] = []
    for path in args.signals:
        loaded, _, sets = read_signals(path)
        missing = sum(claim.signals.llm is None and claim.signals.evidence_count > 0 for claim in loaded)
        if missing:
            sys.exit(f"{path}: {missing} claims with evidence lack the LLM's probabilities (--llm-claims)")
        claims += [(sets[0].split(" ")[0], claim) for claim in loaded]
    strategies = [("verifier", 0.0), ("llm", 0.0),
                  *(("cascade", float(t)) for t in args.thresholds.split(","))]
    results = run(claims, strategies)
    names = sorted({name for name, _ in claims})
    header = (f"{'strategy':<16}{'sent to LLM':>12}{'s/claim mean':>13}{'p50':>6}  "
              + "".join(f"{name + ' macro-F1':>26}" for name in names)
              + f"{'all: acc':>10}{'macro-F1':>9}{'recall S/R/NEI':>17}{'ECE':>7}")
    print(header)
    for key, scored in results.items():
        label = key[0] if key[0] != "cascade" else f"cascade τ={key[1]:.2f}"
        overall = summary(scored)
        per_set = [summary([s for s in scored if s.set_name == name])["macro_f1"] for name in names]
        print(f"{label:<16}{overall['sent']:>12.2f}{overall['s_mean']:>13.2f}{overall['s_p50']:>6.2f}  "
              + "".join(f"{value:>26.3f}" for value in per_set)
              + f"{overall['accuracy']:>10.3f}{overall['macro_f1']:>9.3f}"
              + f"{overall['recall_s']:>7.2f}/{overall['recall_r']:.2f}/{overall['recall_nei']:.2f}"
              + f"{overall['ece']:>7.3f}")
    print(f"\n{len(claims)} claims ({', '.join(f'{n} {sum(c == n for c, _ in claims)}' for n in names)}); "
          "out-of-fold over 5 folds; rules (no evidence, figures) decide first in every strategy")


if __name__ == "__main__":
    main()
