"""What the calibration's per-label verifier offsets do to each set: the saved verdicts of a `bench/quality.sh` run
re-decided with and without them (same temperature; verdicts a rule decided stay as they are).

    python bench/offsets.py [--runs runs/quality] [--calibration service/models_data/calibration.v4.json]

Nothing is run again: each `RUNS/SET/predictions.jsonl` holds the verifier's raw probabilities in its signals,
and `metrics.json` the set's scoring scheme. Prints each set's headline metric both ways. Use it to report
what the offsets cost or bring on a set, not to choose them (they are fitted by `vericlaim calibrate`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.scoring import Scheme, accuracy, f1_supported, macro_f1
from service.calibration import Calibration, adjust
from service.domain import Label

# the headline `bench/quality.sh` reports for each scoring scheme
HEADLINES = {"three-way": "macro_f1", "supported-refuted": "accuracy", "supported-vs-not": "f1_supported"}


def redecided(rows: list[dict], offsets: tuple[float, float, float], temperature: float) -> list[str]:
    """Each verdict's label, the verifier's re-decided under `offsets`."""
    labels = []
    for row in rows:
        verifier = (row.get("signals") or {}).get("verifier")
        if row["decided_by"] != "verifier" or not verifier:
            labels.append(row["verdict"])
            continue
        adjusted = adjust({Label(k): float(p) for k, p in verifier.items()}, offsets, temperature)
        labels.append(max(adjusted, key=adjusted.__getitem__).value)
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=Path, default=Path("runs/quality"))
    parser.add_argument("--calibration", type=Path, default=None, help="default: the bundled file")
    args = parser.parse_args()
    calibration = Calibration.load(args.calibration)
    offsets = calibration.verifier_offsets
    print(f"offsets {offsets} (SUPPORTED, REFUTED, NOT_ENOUGH_INFO), temperature {calibration.verifier_temperature}")
    print(f"{'set':<18}{'claims':>7}  {'headline':<14}{'with offsets':>13}{'without':>9}")
    for folder in sorted(p for p in args.runs.iterdir() if (p / "predictions.jsonl").is_file()):
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        scheme = Scheme.from_json(metrics["scoring"])
        headline = HEADLINES.get(scheme.name, "macro_f1")
        rows = [json.loads(line) for line in (folder / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
        rows = [row for row in rows if row.get("gold") and row.get("verdict")]
        gold = [scheme.cls(row["gold"]) for row in rows]
        figures = []
        for shift in (offsets, (0.0, 0.0, 0.0)):
            predicted = [scheme.cls(label) for label in redecided(rows, shift, calibration.verifier_temperature)]
            figures.append(accuracy(gold, predicted) if headline == "accuracy"
                           else f1_supported(gold, predicted) if headline == "f1_supported"
                           else macro_f1(scheme, gold, predicted))
        print(f"{folder.name:<18}{len(rows):>7}  {headline:<14}{figures[0]:>13.3f}{figures[1]:>9.3f}")


if __name__ == "__main__":
    main()
