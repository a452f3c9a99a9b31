"""The numeric step alone (`check_numbers`, no judge) on the demo claims, one line per claim.

    python bench/numeric_demo.py [--corpus service/demo]

Two kinds of evidence per claim:
  gold    the claim's own evidence quotes (none for NOT_ENOUGH_INFO claims)
  corpus  every chunk of every demo document, the worst case for distractors
A decision is right when CONSISTENT → SUPPORTED or CONTRADICTS → REFUTED; any decision on an NEI claim is wrong.
The documents are chunked and stored with the hashing fake embedder, so no model is needed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.loaders import discover, load_file
from index.store import Snapshot
from service.bootstrap import build
from service.config import Settings
from service.domain import Label, Passage
from service.fakes import HashingEmbedder, KeywordJudge
from service.figures.numeric_check import check_numbers


def _snapshot(docs: Path, home: Path) -> Snapshot:
    components = build(Settings(home=home), embedder=HashingEmbedder(), judge=KeywordJudge())
    components.library.ingest([doc for path, doc_id in discover([docs]) for doc in load_file(path, doc_id)])
    return components.library.snapshot()


def _gold(snapshot: Snapshot, evidence: list[dict[str, str]]) -> list[Passage]:
    passages = []
    for item in evidence:
        text = snapshot.documents[item["doc_id"]].text
        start = text.find(item["quote"])
        if start >= 0:
            passages.append(Passage(item["doc_id"], start, start + len(item["quote"]), item["quote"], 1.0))
    return passages


def _chunks(snapshot: Snapshot) -> list[Passage]:
    return [Passage(c.doc_id, c.start, c.end, snapshot.chunk_text(i), 1.0) for i, c in enumerate(snapshot.chunks)]


def _mark(decision: Label | None, gold: Label) -> str:
    if decision is None:
        return "-"
    return "ok" if decision == gold else "WRONG"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("service/demo"))
    parser.add_argument("-v", "--verbose", action="store_true", help="print each decision's rationale")
    args = parser.parse_args()
    corpus, verbose = args.corpus, args.verbose
    claims = [json.loads(line) for line in (corpus / "claims.jsonl").read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as home:
        snapshot = _snapshot(corpus / "docs", Path(home))
        everything = _chunks(snapshot)
        tally = {"gold": [0, 0], "corpus": [0, 0]}  # decided, wrong
        print(f"{'id':<5}{'gold label':<17}{'gold evidence':<16}{'all chunks':<16}")
        for claim in claims:
            gold = Label(claim["label"])
            cells, notes = [], []
            for mode, evidence in (("gold", _gold(snapshot, claim["evidence"])), ("corpus", everything)):
                finding = check_numbers(claim["claim"], evidence, snapshot)
                decision = finding.decision
                tally[mode][0] += decision is not None
                tally[mode][1] += _mark(decision, gold) == "WRONG"
                cells.append(f"{decision.value if decision else 'abstain'} {_mark(decision, gold)}")
                if verbose and finding.rationale:
                    notes.append(f"       {mode}: {finding.rationale}")
            print(f"{claim['id']:<5}{gold.value:<17}{cells[0]:<16}{cells[1]:<16}")
            for note in notes:
                print(note)
        for mode, (decided, wrong) in tally.items():
            print(f"{mode}: decided {decided}/{len(claims)}, wrong {wrong}")


if __name__ == "__main__":
    main()
