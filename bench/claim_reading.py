"""What claim reading (screening and splitting, service/claims/) does to verdicts: two `vericlaim eval` runs of
the same set, one with the defaults and one with both steps off, compared claim by claim.

    VERICLAIM_CLAIMS__SCREEN=false VERICLAIM_CLAIMS__DECOMPOSE=false \\
        vericlaim eval run ../shared/datasets/climate-fever --format climate-fever --out runs/cf-off
    vericlaim eval run ../shared/datasets/climate-fever --format climate-fever --out runs/cf-on
    python bench/claim_reading.py runs/cf-off runs/cf-on

Prints, for the claims screened out and the claims split: how many, and how many more are right than with
both steps off; the split claims' gold × verdict table beside the same claims checked whole; and macro-F1
(3-way) with the split claims' saved part verdicts replayed under other combination rules — a confidence
floor a refuting part must reach (below it counts as NOT_ENOUGH_INFO; numeric decisions always count), or the
main clause (first part) deciding alone. `vericlaim eval compare` gives the overall change with its interval.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.metrics import macro_f1
from service.domain import Decider, Label

LABELS = list(Label)
FLOORS = (0.0, 0.5, 0.6, 0.7, 0.8)


def read_rows(run: Path) -> dict[str, dict[str, Any]]:
    lines = (run / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def replayed(row: dict[str, Any], floor: float, main_clause: bool) -> str:
    """The split claim's verdict from its saved part verdicts under another combination rule."""
    labels = []
    for part in row["parts"]:
        result = part["result"]
        if result.get("decided_by") == Decider.NOT_CHECKABLE:
            continue
        label = result["verdict"]
        if label == Label.REFUTED and result["confidence"] < floor and result.get("decided_by") != Decider.NUMERIC:
            label = Label.NOT_ENOUGH_INFO
        labels.append(label)
    if main_clause:
        return labels[0] if labels else Label.NOT_ENOUGH_INFO
    if Label.REFUTED in labels:
        return Label.REFUTED
    return Label.SUPPORTED if labels and set(labels) == {Label.SUPPORTED} else Label.NOT_ENOUGH_INFO


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("off", type=Path, help="eval run folder with screening and splitting off")
    parser.add_argument("on", type=Path, help="eval run folder with the defaults")
    args = parser.parse_args()
    off, on = read_rows(args.off), read_rows(args.on)
    shared = [key for key in on if key in off]
    groups = {"screened": Decider.NOT_CHECKABLE, "split": Decider.PARTS}
    for name, decider in groups.items():
        keys = [key for key in shared if on[key].get("decided_by") == decider]
        net = sum(int(on[key]["correct"]) - int(off[key]["correct"]) for key in keys)
        print(f"{name}: {len(keys)} of {len(shared)} claims; right with the step minus right without: {net:+d}")
    split = [key for key in shared if on[key].get("decided_by") == Decider.PARTS]
    print("split claims, gold → verdict (parts / checked whole):")
    parts_table = Counter((on[key]["gold"], on[key]["verdict"]) for key in split)
    whole_table = Counter((off[key]["gold"], off[key]["verdict"]) for key in split)
    for gold in LABELS:
        cells = "  ".join(f"{verdict.value[:3]} {parts_table[gold.value, verdict.value]:>3} / "
                          f"{whole_table[gold.value, verdict.value]:<3}" for verdict in LABELS)
        print(f"  {gold.value:<16} {cells}")
    gold = [Label(on[key]["gold"]) for key in shared]
    print(f"macro-F1, 3-way: both steps off {macro_f1(gold, [Label(off[k]['verdict']) for k in shared], LABELS):.3f}")
    for main_clause in (False, True):
        for floor in FLOORS:
            verdicts = [Label(replayed(on[key], floor, main_clause) if key in split else on[key]["verdict"])
                        for key in shared]
            rule = "main clause decides" if main_clause else "any part refutes"
            print(f"  {rule}, refuting-part floor {floor:.1f}: {macro_f1(gold, verdicts, LABELS):.3f}")


if __name__ == "__main__":
    main()
