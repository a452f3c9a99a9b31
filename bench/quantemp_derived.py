"""QuanTemp's claims that compute a figure (issue 30): the full pipeline on the dev half's claims the derived
reader reads as a change, a share, a total, a ratio or a difference, each against its own retrieved documents.

    python bench/quantemp_derived.py [--data ../shared/datasets] [--show]

Our copy of QuanTemp (`val_claimonly_evidence_question_mapping.json`) has no taxonomy labels, so "comparison
claims" here are the ones `service.figures.derived.read_derived` reads as computing a quantity. Each claim is
checked against a collection of the texts retrieved for it alone (QuanTemp's BM25 results: fact-check articles
and news; a claim with none counts as NOT_ENOUGH_INFO), in a temporary VERICLAIM_HOME; conflicting claims are
left out. Printed: accuracy (True → SUPPORTED, False → REFUTED; NOT_ENOUGH_INFO counts wrong), always-REFUTED
beside it, the figures engine's decisions and how many were wrong, and how many of them a computed figure made,
with its arithmetic shown. QuanTemp is CC BY-NC: measured here, never trained on.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.adapters.texts import text_id
from eval.datasets import load_dataset
from service.bootstrap import build
from service.config import Settings, default_datasets
from service.domain import Decider, Document, Label
from service.evidence import Query
from service.figures.derived import read_derived

GOLD = {"True": Label.SUPPORTED, "False": Label.REFUTED}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets())
    parser.add_argument("--show", action="store_true", help="print every claim's verdict and rationale")
    args = parser.parse_args()
    root = args.data / "quantemp"
    rows = json.loads((root / "val_claimonly_evidence_question_mapping.json").read_text(encoding="utf-8"))
    dev = {claim.id for claim in load_dataset("quantemp", root, split="dev").claims}
    chosen = [(f"quantemp-{i}", row) for i, row in enumerate(rows)
              if f"quantemp-{i}" in dev and row["label"] in GOLD and read_derived(row["claim"]) is not None]
    kinds: Counter[str] = Counter()
    right = decided = wrong = derived_decided = shown = empty = 0
    with tempfile.TemporaryDirectory() as home:
        components = build(Settings(home=Path(home)))
        for claim_id, row in chosen:
            texts = dict.fromkeys(t for item in row["evidences"] for t in item["top_k_doc"] if t.strip())
            collection = f"q{claim_id.rpartition('-')[2]}"
            kinds[read_derived(row["claim"]).kind] += 1  # type: ignore[union-attr]
            if not texts:  # nothing was retrieved for it: no verdict but NOT_ENOUGH_INFO, counted wrong
                empty += 1
                continue
            components.library.ingest([Document(text_id("quantemp", t), t) for t in texts], collection)
            verdict = components.pipeline.check(Query(row["claim"], collection))
            gold = GOLD[row["label"]]
            right += verdict.label is gold
            by_figures = verdict.decided_by is Decider.NUMERIC
            decided += by_figures
            wrong += by_figures and verdict.label is not gold
            computed = by_figures and "Computed from the source" in verdict.rationale
            derived_decided += computed
            shown += computed and any(" is " in n.evidence_value for n in verdict.numeric)
            if args.show:
                print(f"{claim_id} gold {gold.value} → {verdict.label.value} ({verdict.decided_by.value}): "
                      f"{row['claim'][:120]}\n    {verdict.rationale[:240]}")
    n = len(chosen)
    refuted = sum(GOLD[row["label"]] is Label.REFUTED for _, row in chosen)
    print(f"QuanTemp dev, claims read as computing a figure: {n} ({', '.join(f'{k} {v}' for k, v in kinds.items())})")
    print(f"accuracy {right / max(n, 1):.3f} ({right}/{n}; {empty} with no retrieved text count wrong); "
          f"always REFUTED {refuted / max(n, 1):.3f}")
    print(f"figures engine: decided {decided}, wrong {wrong}; {derived_decided} by a computed figure, its "
          f"arithmetic shown on {shown}")


if __name__ == "__main__":
    main()
