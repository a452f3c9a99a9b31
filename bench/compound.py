"""How should a compound claim's parts decide its verdict? Compares rules on the claims the service splits.

    python bench/compound.py [--data ../shared/datasets] [--sets check-covid,citation-integrity]
                             [--split train --calibration-share] [--limit N] [--sure 0,0.5,0.8]

Each claim is checked as the service checks it (`Pipeline.check`: screened, split into parts, each part checked
against the set's corpus in its `eval-SET` collection under VERICLAIM_HOME, ingested if missing); a claim that
splits is also checked whole (`check_atomic`). The rules, on the claims that split (3-way macro-F1 and accuracy,
with the recall of each label), and on every claim (claims that do not split keep their one verdict):
  any-refuted     REFUTED if any part is, SUPPORTED only if every part is, else NOT_ENOUGH_INFO (the first rule)
  whole           the claim checked whole, its parts ignored
  whole+figures   the whole claim's verdict, unless the figures engine refuted a part (a figure that is wrong)
  sure-parts      any-refuted, counting a part's REFUTED only when the figures engine decided it or its REFUTED
                  probability is at least `--sure`; otherwise the whole claim's verdict (the service's rule,
                  `service.claims.compound`, with `--sure` its SURE_REFUTED)
  sure-parts,no-stray-R   sure-parts, but the whole claim's REFUTED becomes NOT_ENOUGH_INFO when no part is
                  refuted at all
Choose on the calibration share; report on dev.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.collections import dataset_collection, ingest_dataset
from eval.datasets import load_dataset
from eval.metrics import accuracy, macro_f1
from eval.trained_claims import in_calibration_share
from service.bootstrap import build
from service.claims.compound import SURE_REFUTED
from service.config import Settings, default_datasets
from service.domain import Decider, Label, Verdict
from service.errors import InputError
from service.evidence import Query

LABELS = (Label.SUPPORTED, Label.REFUTED, Label.NOT_ENOUGH_INFO)


@dataclass(frozen=True)
class Checked:
    gold: Label
    verdict: Verdict  # as the service gives it (parts in `verdict.parts` when the claim split)
    whole: Verdict | None  # the claim checked whole, when it split


def _parts(checked: Checked) -> list[Verdict]:
    return [part.verdict for part in checked.verdict.parts if part.verdict.decided_by is not Decider.NOT_CHECKABLE]


def any_refuted(checked: Checked, sure: float) -> Label:
    labels = {p.label for p in _parts(checked)}
    if not labels:
        return checked.verdict.label
    if Label.REFUTED in labels:
        return Label.REFUTED
    return Label.SUPPORTED if labels == {Label.SUPPORTED} else Label.NOT_ENOUGH_INFO


def whole(checked: Checked, sure: float) -> Label:
    return checked.whole.label if checked.whole else checked.verdict.label


def whole_unless_figures(checked: Checked, sure: float) -> Label:
    if any(p.label is Label.REFUTED and p.decided_by is Decider.NUMERIC for p in _parts(checked)):
        return Label.REFUTED
    return whole(checked, sure)


def sure_parts(checked: Checked, sure: float) -> Label:
    parts = _parts(checked)
    if not checked.whole or not parts:
        return checked.verdict.label
    if any(p.label is Label.REFUTED and (p.decided_by is Decider.NUMERIC
                                         or p.probabilities.get(Label.REFUTED, 0) >= sure) for p in parts):
        return Label.REFUTED
    if all(p.label is Label.SUPPORTED for p in parts):
        return Label.SUPPORTED
    return checked.whole.label


def sure_parts_no_stray_refuted(checked: Checked, sure: float) -> Label:
    """sure-parts, except that the whole claim does not refute when none of its parts does: a long claim read
    whole against one sentence is often "contradicted" by what it adds, not by what the sentence says."""
    label = sure_parts(checked, sure)
    parts = _parts(checked)
    if label is Label.REFUTED and parts and not any(p.label is Label.REFUTED for p in parts):
        return Label.NOT_ENOUGH_INFO
    return label


RULES: dict[str, Callable[[Checked, float], Label]] = {
    "any-refuted": any_refuted, "whole": whole, "whole+figures": whole_unless_figures, "sure-parts": sure_parts,
    "sure-parts,no-stray-R": sure_parts_no_stray_refuted,
}


def check_set(data: Path, name: str, split: str, share: bool, limit: int | None, settings: Settings,
              components: object) -> list[Checked]:
    dataset = load_dataset(name, data / name, split=split)
    collection = dataset_collection(dataset, None, None)
    ingest_dataset(components.library, dataset, collection, None)  # type: ignore[attr-defined]
    pipeline = components.pipeline  # type: ignore[attr-defined]
    claims = [c for c in dataset.claims if c.label.as_label() is not None
              and (not share or in_calibration_share(dataset.name, c.id))][:limit]
    out = []
    for claim in claims:
        label = claim.label.as_label()
        assert label is not None
        try:
            verdict = pipeline.check(Query(claim.claim, collection))
            whole_verdict = pipeline.check_atomic(Query(claim.claim, collection)) if verdict.parts else None
        except InputError:
            continue
        out.append(Checked(label, verdict, whole_verdict))
    return out


def score(rows: Sequence[Checked], rule: Callable[[Checked, float], Label], sure: float) -> str:
    if not rows:
        return "–"
    gold = [r.gold for r in rows]
    predicted = [rule(r, sure) for r in rows]
    recall = [np.mean([p is label for g, p in zip(gold, predicted, strict=True) if g is label]) if label in gold
              else float("nan") for label in LABELS]
    f1 = macro_f1(gold, predicted, [label for label in LABELS if label in gold])
    return f"{accuracy(gold, predicted):.3f}/{f1:.3f}/" + ",".join(f"{r:.2f}" for r in recall)


def _thresholds(text: str) -> list[float]:
    try:
        values = [float(value) for value in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not comma-separated numbers: {text!r}") from None
    if not all(0.0 <= value <= 1.0 for value in values):
        raise argparse.ArgumentTypeError(f"thresholds are probabilities, 0 to 1: {text!r}")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets())
    parser.add_argument("--sets", default="check-covid,citation-integrity")
    parser.add_argument("--split", default="train")
    parser.add_argument("--calibration-share", action="store_true")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--sure", type=_thresholds, default=[SURE_REFUTED],
                        help="sure-parts: a part's REFUTED counts from this P(REFUTED); several, comma-separated, are "
                             "each a rule (default: the service's SURE_REFUTED)")
    args = parser.parse_args()
    settings = Settings()
    components = build(settings)
    sures = args.sure
    rules = [(name, rule, sure) for name, rule in RULES.items() for sure in (sures if "sure" in name else [0.0])]
    names = [name + (f"@{sure:g}" if "sure" in name and len(sures) > 1 else "") for name, _, sure in rules]
    print("per rule: accuracy / macro-F1 / recall S, R, NEI — on the claims that split, then on all claims")
    for name in args.sets.split(","):
        rows = check_set(args.data, name, args.split, args.calibration_share, args.limit, settings, components)
        split_rows = [r for r in rows if r.whole is not None]
        print(f"{name}: {len(split_rows)} of {len(rows)} claims split", flush=True)
        for label, chosen in (("split", split_rows), ("all", rows)):
            print(f" on the claims: {label}", flush=True)
            for rule_name, (_, rule, sure) in zip(names, rules, strict=True):
                print(f"  {rule_name:<28}{score(chosen, rule, sure):>30}", flush=True)


if __name__ == "__main__":
    main()
