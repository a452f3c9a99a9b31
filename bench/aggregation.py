"""How should the NLI verifier's passage verdicts become the claim's? Compares aggregation rules on retrieved
evidence, so the choice is made on claims the verifier never trained on.

    python bench/aggregation.py [--data ../shared/datasets] [--sets check-covid,citation-integrity,scitab]
                                [--split train --calibration-share] [--limit N] [--verifier nli]

For each claim: the pipeline's own retrieval (the set's corpus in its `eval-SET` collection under
VERICLAIM_HOME, ingested if missing), then the verifier (`--verifier`: nli, nli-minilm or an artifact folder) on
each evidence passage and on all of them together. The rules of `service.verifiers.aggregation` are compared
(macro-F1 and accuracy, 3-way, argmax, no calibration offsets), with per-label recall for each.
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
from service.verifiers.aggregation import RULES
from service.verifiers.nli import BUNDLED_ARTIFACTS, NLI_ORDER, NliVerifier, bundled_nli_artifact, evidence_readings


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
          ) -> tuple[float, float, list[float]]:
    """Accuracy, macro-F1 and the recall of each label (SUPPORTED, REFUTED, NOT_ENOUGH_INFO; nan if absent)."""
    gold = [label for label, _, _ in rows]
    predicted = [NLI_ORDER[int(np.argmax(rule(r, k)))] if k else Label.NOT_ENOUGH_INFO for _, r, k in rows]
    recall = [float(np.mean([p is label for g, p in zip(gold, predicted, strict=True) if g is label]))
              if label in gold else float("nan") for label in NLI_ORDER]
    return (accuracy(gold, predicted), macro_f1(gold, predicted, [label for label in NLI_ORDER if label in gold]),
            recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets(),
                        help="datasets folder (default: VERICLAIM_DATASETS, else shared/datasets by the checkout)")
    parser.add_argument("--sets", default="check-covid,citation-integrity")
    parser.add_argument("--split", default="train")
    parser.add_argument("--calibration-share", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--verifier", default="nli", help="nli, nli-minilm or an NLI artifact folder")
    args = parser.parse_args()
    verifier = NliVerifier.load(bundled_nli_artifact(args.verifier) if args.verifier in BUNDLED_ARTIFACTS
                                else Path(args.verifier))
    print(f"verifier {verifier.name}; per rule: accuracy / macro-F1 / recall S, R, NEI")
    print(f"{'set':<20}{'claims':>7}  " + "".join(f"{rule.value:>28}" for rule in RULES))
    macro: dict[str, list[float]] = {rule.value: [] for rule in RULES}
    for name in args.sets.split(","):
        rows = readings(args.data, name, args.split, args.calibration_share, args.limit, verifier)
        cells = []
        for rule, function in RULES.items():
            a, f, recall = score(rows, function)
            macro[rule.value].append(f)
            cells.append(f"{a:.3f}/{f:.3f}/" + ",".join(f"{r:.2f}" for r in recall))
        print(f"{name:<20}{len(rows):>7}  " + "".join(f"{cell:>28}" for cell in cells), flush=True)
    print(f"{'mean macro-F1':<27}  " + "".join(f"{np.mean(values):>28.3f}" for values in macro.values()))


if __name__ == "__main__":
    main()
