"""Accuracy and coverage of the numeric path alone (no retrieval model, no judge) on numeric claims.

    python bench/numeric.py [--data ../shared/datasets]

For each set: how many claims carry a figure, how often `numeric_decision` decides (coverage), how often
its decision is right (CONSISTENT → SUPPORTED, CONTRADICTS → REFUTED; a decision on an NEI claim counts as
wrong), the label mix, and the time per claim. Evidence per set:
  QuanTemp (dev half)  the three retrieved documents per question; True → S, False → R, conflicting left out
  FinDVer (numeric)    the report paragraphs listed in `relevant_context`; true → S, false → R
  Check-COVID (dev)    the sentences of the claim's abstract; SUPPORT → S, REFUTE → R, NOTENOUGHINFO → NEI
The loaders are small and local on purpose: this script depends on the raw files only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.config import default_datasets
from service.domain import Label, Relation
from service.figures.numeric import extract_quantities, match_numbers, numeric_decision

_DECISION_LABEL = {Relation.CONSISTENT: Label.SUPPORTED, Relation.CONTRADICTS: Label.REFUTED}


@dataclass(frozen=True)
class Example:
    claim: str
    label: Label
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class SetResult:
    name: str
    claims: int
    decided: int
    correct: int
    labels: Counter[Label]
    decisions: Counter[str]
    ms_per_claim: float


def load_quantemp(root: Path) -> Iterator[Example]:
    rows = json.loads((root / "quantemp" / "val_claimonly_evidence_question_mapping.json").read_text())
    labels = {"True": Label.SUPPORTED, "False": Label.REFUTED}
    for row in rows:
        if row["label"] in labels:
            docs = tuple(doc for item in row["evidences"] for doc in item["top_k_doc"])
            yield Example(row["claim"], labels[row["label"]], docs)


def load_findver(root: Path) -> Iterator[Example]:
    rows = json.loads((root / "findver" / "testmini.json").read_text())
    wanted = {row["report"] for row in rows if row["subset"] == "numeric"}
    paragraphs: dict[str, dict[int, str]] = {}
    with (root / "findver" / "reports.jsonl").open() as lines:
        for line in lines:
            report = json.loads(line)
            if report["report"] in wanted:
                paragraphs[report["report"]] = {p["id"]: p["context"] for p in report["context"]}
    for row in rows:
        if row["subset"] == "numeric":
            found = paragraphs.get(row["report"], {})
            evidence = tuple(found[i] for i in row["relevant_context"] if i in found)
            label = Label.SUPPORTED if row["entailment_label"] else Label.REFUTED
            yield Example(row["statement"], label, evidence)


def load_check_covid(root: Path) -> Iterator[Example]:
    folder = root / "check-covid" / "Check-COVID"
    with (folder / "corpus.json").open() as lines:
        abstracts = {doc["cord_id"]: doc["abstract"] for doc in map(json.loads, lines)}
    with (folder / "dev" / "covidCheck_dev_composed+extracted.json").open() as lines:
        for row in map(json.loads, lines):
            abstract = abstracts.get(row["cord_id"], [])
            yield Example(row["claim"], Label.parse(row["label"]), (" ".join(abstract),))


def run_set(name: str, examples: Iterator[Example]) -> SetResult:
    claims = decided = correct = 0
    labels: Counter[Label] = Counter()
    decisions: Counter[str] = Counter()
    started = time.perf_counter()
    for example in examples:
        figures = extract_quantities(example.claim)
        if not figures:
            continue
        claims += 1
        labels[example.label] += 1
        matches = [m for text in example.evidence for m in match_numbers(example.claim, text)]
        decision = numeric_decision(matches, claim_quantities=figures)
        if decision is None:
            continue
        decided += 1
        decisions[f"{decision.value}→{example.label.value}"] += 1
        correct += _DECISION_LABEL[decision] == example.label
    elapsed_ms = (time.perf_counter() - started) * 1000
    return SetResult(name, claims, decided, correct, labels, decisions, elapsed_ms / max(claims, 1))


def render(results: list[SetResult]) -> str:
    header = (f"{'set':<22}{'numeric claims':>15}{'coverage':>10}{'decided':>9}{'accuracy':>10}"
              f"{'ms/claim':>10}  labels (S/R/NEI)")
    lines = [header, "-" * len(header)]
    for r in results:
        coverage = r.decided / r.claims if r.claims else 0.0
        accuracy = f"{r.correct / r.decided:.1%}" if r.decided else "—"
        mix = "/".join(str(r.labels[label]) for label in Label)
        lines.append(f"{r.name:<22}{r.claims:>15}{coverage:>10.1%}{r.decided:>9}{accuracy:>10}"
                     f"{r.ms_per_claim:>10.2f}  {mix}")
    lines.append("")
    lines.extend(f"{r.name}: decisions (decision→gold) {dict(sorted(r.decisions.items()))}" for r in results)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets(),
                        help="datasets folder (default: VERICLAIM_DATASETS, else shared/datasets by the checkout)")
    root = parser.parse_args().data
    results = [
        run_set("QuanTemp (dev half)", load_quantemp(root)),
        run_set("FinDVer (numeric)", load_findver(root)),
        run_set("Check-COVID (dev)", load_check_covid(root)),
    ]
    print(render(results))


if __name__ == "__main__":
    main()
