"""How should the NLI verifier's passage verdicts become the claim's? Compares aggregation rules on retrieved
evidence, so the choice is made on claims the verifier never trained on.

    python bench/aggregation.py [--data ../shared/datasets] [--sets check-covid,citation-integrity]
                                [--split train --calibration-share] [--limit N]

For each claim: the pipeline's own retrieval (the set's corpus in its `eval-SET` collection under
VERICLAIM_HOME, ingested if missing), then the bundled NLI verifier on each evidence passage and on all of
them together. Rules compared (macro-F1 and accuracy, 3-way, argmax):
  decisive  the reading with the highest entailment or contradiction probability (the shipped rule)
  joint     all passages read together (the single passage when there is one)
  first     the best-retrieved passage alone
  max       P(S) ∝ max entailment, P(R) ∝ max contradiction, P(NEI) ∝ 1 − the larger of the two
  mean      the mean of the single passages' probabilities
Run it on the calibration share of the train splits to choose; on dev only to report.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.collections import dataset_collection, ingest_dataset
from eval.datasets import load_dataset
from eval.metrics import accuracy, macro_f1
from eval.trained_claims import in_calibration_share
from service.bootstrap import build_finder
from service.config import Settings, default_datasets
from service.domain import Label
from service.errors import InputError
from service.evidence import Query
from service.verifiers.nli import NLI_ORDER, NliVerifier, aggregate, evidence_readings


def _max_rule(rows: np.ndarray, k: int) -> np.ndarray:
    entail, contra = rows[:, 0].max(), rows[:, 1].max()
    values = np.array([entail, contra, 1 - max(entail, contra)])
    return values / values.sum()


RULES: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "decisive": lambda rows, k: aggregate(rows),
    "joint": lambda rows, k: rows[-1],
    "first": lambda rows, k: rows[0],
    "max": _max_rule,
    "mean": lambda rows, k: rows[:k].mean(axis=0),
}


def readings(data: Path, name: str, split: str, share: bool, limit: int | None,
             verifier: NliVerifier) -> list[tuple[Label, np.ndarray, int]]:
    settings = Settings()
    finder = build_finder(settings)
    dataset = load_dataset(name, data / name, split=split)
    collection = dataset_collection(dataset, None, None)
    ingest_dataset(finder.library, dataset, collection, None)
    claims = [c for c in dataset.claims if c.label.as_label() is not None
              and (not share or in_calibration_share(dataset.name, c.id))][:limit]
    out = []
    for claim in claims:
        try:
            evidence, _ = finder.evidence(Query(claim.claim, collection))
        except InputError:  # refused by the service (too long, empty): not a verdict either rule gives
            continue
        label = claim.label.as_label()
        assert label is not None
        if not evidence:
            out.append((label, np.array([[0.0, 0.0, 1.0]]), 0))
            continue
        texts = evidence_readings(evidence)
        out.append((label, verifier.predict_pairs(texts, [claim.claim] * len(texts)), len(evidence)))
    return out


def score(rows: list[tuple[Label, np.ndarray, int]], rule: Callable[[np.ndarray, int], np.ndarray]
          ) -> tuple[float, float]:
    gold = [label for label, _, _ in rows]
    predicted = [NLI_ORDER[int(np.argmax(rule(r, k)))] if k else Label.NOT_ENOUGH_INFO for _, r, k in rows]
    return accuracy(gold, predicted), macro_f1(gold, predicted, [label for label in NLI_ORDER if label in gold])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets(),
                        help="datasets folder (default: VERICLAIM_DATASETS, else shared/datasets by the checkout)")
    parser.add_argument("--sets", default="check-covid,citation-integrity")
    parser.add_argument("--split", default="train")
    parser.add_argument("--calibration-share", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    verifier = NliVerifier.load()
    print(f"{'set':<20}{'claims':>7}  " + "".join(f"{rule:>18}" for rule in RULES))
    print(f"{'':<29}" + "".join(f"{'acc / macro-F1':>18}" for _ in RULES))
    for name in args.sets.split(","):
        rows = readings(args.data, name, args.split, args.calibration_share, args.limit, verifier)
        cells = "".join(f"{a:>10.3f} / {f:.3f}" for a, f in (score(rows, rule) for rule in RULES.values()))
        print(f"{name:<20}{len(rows):>7}  {cells}", flush=True)


if __name__ == "__main__":
    main()
