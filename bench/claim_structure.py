"""Decomposition and check-worthiness against the hand-written gold in examples/claim-structure/.

    python bench/claim_structure.py [--show-errors] [--heldout | --heldout2] [--datasets ../shared/datasets]

Decomposition: a claim matches when it gives as many parts as the gold and the parts pair one-to-one with
the gold parts at word F1 ≥ 0.8 (lower-cased words, punctuation around them dropped), which tolerates a
carried word more or less but not a lost figure or a wrong subject. Check-worthiness: accuracy of
checkable vs not over the 40 statements, with the errors by kind. Rules only: no model is loaded.

The rules were written against `decomposition.jsonl` and `checkworthiness.jsonl` (dev figures); `--heldout`
scores `heldout-*.jsonl`, written by someone else and not looked at while the rules were tuned. `--heldout2`
scores `heldout2-decomposition.jsonl` (60 claims, 30 of them traps that must stay whole, written on 2026-12-07
by a helper who had read neither the rules nor the other gold files; scored once before the rules of that day
were changed; decomposition only). `--datasets`
prints, per public claim set (dev split), the share of claims the pipeline would screen out or split: how much
the rules change what the verifier sees there.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from service.claims.checkworthiness import checkworthiness
from service.claims.decompose import decompose

GOLD = Path(__file__).resolve().parents[1] / "examples" / "claim-structure"
MATCH_F1 = 0.8


def words(text: str) -> list[str]:
    return [w.strip(".,;:!?\"“”()").lower() for w in text.split() if w.strip(".,;:!?\"“”()")]


def word_f1(first: str, second: str) -> float:
    a, b = Counter(words(first)), Counter(words(second))
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def parts_match(produced: list[str], gold: list[str]) -> bool:
    """Same count, and a one-to-one pairing (greedy on the best F1) with every pair at F1 ≥ MATCH_F1."""
    if len(produced) != len(gold):
        return False
    left = list(gold)
    for part in produced:
        best = max(left, key=lambda g: word_f1(part, g))
        if word_f1(part, best) < MATCH_F1:
            return False
        left.remove(best)
    return True


def read(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    held_out = parser.add_mutually_exclusive_group()
    held_out.add_argument("--heldout", action="store_true", help="score the held-out gold files")
    held_out.add_argument("--heldout2", action="store_true", help="score the second held-out decomposition file")
    parser.add_argument("--datasets", type=Path, help="folder of the public claim sets (../shared/datasets)")
    args = parser.parse_args()
    if args.heldout2:
        score_decomposition(read(GOLD / "heldout2-decomposition.jsonl"), args.show_errors)
    else:
        prefix = "heldout-" if args.heldout else ""
        score_decomposition(read(GOLD / f"{prefix}decomposition.jsonl"), args.show_errors)
        score_checkworthiness(read(GOLD / f"{prefix}checkworthiness.jsonl"), args.show_errors)
    if args.datasets:
        dataset_shares(args.datasets)


def score_decomposition(rows: list[dict], show_errors: bool) -> None:  # type: ignore[type-arg]
    by_kind: dict[str, list[bool]] = {}
    for row in rows:
        produced = [part.text for part in decompose(row["claim"])]
        ok = parts_match(produced, row["parts"])
        by_kind.setdefault("simple" if row["kind"] == "simple" else "compound", []).append(ok)
        if row["kind"] != "simple":
            by_kind.setdefault(row["kind"], []).append(ok)
        if not ok and show_errors:
            print(f"  {row['id']} {row['kind']}: {row['claim']}\n    gold: {row['parts']}\n    got:  {produced}")
    print("decomposition (word F1 ≥ 0.8 per part, same count)")
    for kind, results in sorted(by_kind.items(), key=lambda item: (item[0] not in {"compound", "simple"}, item[0])):
        print(f"  {kind:<18} {sum(results):>3}/{len(results):<3} {sum(results) / len(results):.0%}")


def score_checkworthiness(statements: list[dict], show_errors: bool) -> None:  # type: ignore[type-arg]
    errors: Counter[str] = Counter()
    correct = 0
    for row in statements:
        found = checkworthiness(row["text"])
        if found.checkable == row["checkable"]:
            correct += 1
        else:
            errors[row["kind"]] += 1
            if show_errors:
                print(f"  {row['id']} {row['kind']}: {row['text']!r} → {found}")
    print(f"check-worthiness: {correct}/{len(statements)} = {correct / len(statements):.0%}"
          + (f"; errors by kind: {dict(errors)}" if errors else ""))



def dataset_shares(root: Path) -> None:
    from eval.datasets import FORMATS, load_dataset

    print("public claim sets, dev split: claims screened out / split into parts")
    for fmt in FORMATS:
        folder = root / fmt
        if fmt == "native" or not folder.exists():
            continue
        try:
            claims = [c.claim for c in load_dataset(fmt, folder, split="dev").claims]
        except Exception as exc:  # a set without a dev split, or one this bench cannot read: say so, go on
            print(f"  {fmt:<20} not read ({exc.__class__.__name__})")
            continue
        reasons = Counter(str(w.reason.value) for w in map(checkworthiness, claims) if not w.checkable)
        split = sum(len(decompose(c)) >= 2 for c in claims)
        screened = sum(reasons.values())
        print(f"  {fmt:<20} {len(claims):>5} claims  screened {screened / len(claims):>5.1%} {dict(reasons)}  "
              f"split {split / len(claims):.1%}")


if __name__ == "__main__":
    main()
