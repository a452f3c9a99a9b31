"""Compare two evaluation runs on the claims both scored: metric deltas and whether they are significant.

    compare_runs(Path("runs/a"), Path("runs/b"))  →  deltas (B − A) of accuracy, macro-F1 (F1 of SUPPORTED
    for supported-vs-not runs) and ECE, each with a paired-bootstrap 95% CI and p-value, plus McNemar's exact
    test on the claims one run gets right and the other wrong.

Both runs are rescored with the scoring scheme recorded in their metrics.json, which must be the same; a
claim whose gold label differs between the runs means they are not of the same data, which is an error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval import metrics, runs, scoring
from eval.scoring import Scheme, choose_scheme
from service.errors import InputError

Scorer = Callable[[np.ndarray], float]


@dataclass(frozen=True)
class Run:
    folder: Path
    metrics: dict[str, Any]
    rows: dict[str, dict[str, Any]]

    @property
    def scheme(self) -> Scheme:
        recorded = self.metrics.get("scoring")
        return Scheme.from_json(recorded) if recorded else choose_scheme(False, ())


def load_run(folder: Path) -> Run:
    metrics_path, predictions_path = folder / runs.METRICS, folder / runs.PREDICTIONS
    for path in (metrics_path, predictions_path):
        if not path.is_file():
            raise InputError(f"{folder} is not an evaluation run: {path.name} is missing")
    data = json.loads(metrics_path.read_text(encoding="utf-8"))
    return Run(folder, data, {row["id"]: row for row in runs.read_predictions(predictions_path)})


def mcnemar_p(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p-value from the discordant pairs (binomial test with p = 0.5)."""
    n = a_only + b_only
    if n == 0:
        return 1.0
    tail: float = sum(math.comb(n, k) for k in range(min(a_only, b_only) + 1)) / 2**n
    return min(1.0, 2 * tail)


def paired_bootstrap(score_a: Scorer, score_b: Scorer, size: int, *, n: int = 2000,
                     seed: int = 0) -> dict[str, Any]:
    """Delta `score_b − score_a` over all items, a percentile 95% CI from `n` paired resamples (the same
    items for both runs), and a two-sided p-value for "no difference": the share of resampled deltas at
    least as far from the observed delta as the observed delta is from 0."""
    everything = np.arange(size)
    delta = score_b(everything) - score_a(everything)
    rng = np.random.default_rng(seed)
    deltas = np.empty(n)
    for i in range(n):
        idx = rng.integers(0, size, size=size)
        deltas[i] = score_b(idx) - score_a(idx)
    low, high = np.quantile(deltas, [0.025, 0.975])
    extreme = int(np.sum(np.abs(deltas - delta) >= abs(delta) - 1e-12))
    return {"delta": float(delta), "ci95": [float(low), float(high)], "p_value": (extreme + 1) / (n + 1)}


def compare_runs(folder_a: Path, folder_b: Path, *, n: int = 2000, seed: int = 0) -> dict[str, Any]:
    a, b = load_run(folder_a), load_run(folder_b)
    scheme = a.scheme
    if b.scheme.as_json() != scheme.as_json():
        raise InputError(f"the runs are scored differently ({scheme.name} vs {b.scheme.name}); compare like with like")
    shared = [claim_id for claim_id in a.rows if claim_id in b.rows]
    if not shared:
        raise InputError(f"{folder_a} and {folder_b} share no claim ids")
    changed = [i for i in shared if a.rows[i]["gold"] != b.rows[i]["gold"]]
    if changed:
        raise InputError(f"gold labels differ for {len(changed)} shared claim(s), e.g. {changed[0]!r}: "
                         "the runs are not of the same data")
    gold = [scheme.cls(a.rows[i]["gold"]) for i in shared]
    pred = {name: [scheme.cls(run.rows[i]["verdict"]) for i in shared] for name, run in (("a", a), ("b", b))}
    conf = {name: [scheme.confidence(run.rows[i]) for i in shared] for name, run in (("a", a), ("b", b))}
    right = {name: np.array([g == p for g, p in zip(gold, pred[name], strict=True)]) for name in pred}

    def scorers(metric: str) -> tuple[Scorer, Scorer]:
        return tuple(_scorer(metric, scheme, gold, pred[name], conf[name], right[name])  # type: ignore[return-value]
                     for name in ("a", "b"))

    headline = ["accuracy", "f1_supported", "macro_f1", "ece"] if scheme.collapse else ["accuracy", "macro_f1", "ece"]
    results = {}
    for metric in headline:
        score_a, score_b = scorers(metric)
        everything = np.arange(len(shared))
        results[metric] = {"a": score_a(everything), "b": score_b(everything),
                           **paired_bootstrap(score_a, score_b, len(shared), n=n, seed=seed)}
    a_only, b_only = int(np.sum(right["a"] & ~right["b"])), int(np.sum(right["b"] & ~right["a"]))
    return {
        "run_a": str(folder_a), "run_b": str(folder_b), "scoring": scheme.name,
        "shared_claims": len(shared), "only_in_a": len(a.rows) - len(shared), "only_in_b": len(b.rows) - len(shared),
        "stamp_differences": _stamp_differences(a.metrics.get("stamp", {}), b.metrics.get("stamp", {})),
        "metrics": results,
        "mcnemar": {"a_right_b_wrong": a_only, "a_wrong_b_right": b_only, "p_value": mcnemar_p(a_only, b_only)},
        "bootstrap": {"resamples": n, "seed": seed},
    }


def _scorer(metric: str, scheme: Scheme, gold: Sequence[scoring.Scored], pred: Sequence[scoring.Scored],
            confidences: Sequence[float], right: np.ndarray) -> Scorer:
    if metric == "accuracy":
        return lambda idx: float(right[idx].mean())
    if metric == "ece":
        return lambda idx: metrics.expected_calibration_error([confidences[i] for i in idx], list(right[idx]))
    if metric == "f1_supported":
        return lambda idx: scoring.f1_supported([gold[i] for i in idx], [pred[i] for i in idx])
    return lambda idx: scoring.macro_f1(scheme, [gold[i] for i in idx], [pred[i] for i in idx])


def _stamp_differences(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [a.get(key), b.get(key)] for key in sorted(a.keys() | b.keys())
            if a.get(key) != b.get(key) and key != "command"}


def render_comparison(result: dict[str, Any]) -> str:
    """A short Markdown summary: one row per metric, then McNemar's test and what differs between the runs."""
    lines = [f"A: {result['run_a']}", f"B: {result['run_b']}",
             f"{result['shared_claims']} shared claims ({result['only_in_a']} only in A, {result['only_in_b']} only "
             f"in B); scoring {result['scoring']}; paired bootstrap, {result['bootstrap']['resamples']} resamples", "",
             "| metric | A | B | B − A | 95% CI | p |", "|---|---|---|---|---|---|"]
    for name, item in result["metrics"].items():
        low, high = item["ci95"]
        lines.append(f"| {name} | {item['a']:.3f} | {item['b']:.3f} | {item['delta']:+.3f} | "
                     f"[{low:+.3f}, {high:+.3f}] | {item['p_value']:.3g} |")
    test = result["mcnemar"]
    lines += ["", f"McNemar (exact): A right & B wrong {test['a_right_b_wrong']}, A wrong & B right "
              f"{test['a_wrong_b_right']}, p = {test['p_value']:.3g}"]
    if result["stamp_differences"]:
        lines += ["", "Differences in the stamp:",
                  *(f"- {key}: {a!r} → {b!r}" for key, (a, b) in result["stamp_differences"].items())]
    return "\n".join(lines)
