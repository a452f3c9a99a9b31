"""Would `vericlaim eval` gain by batching claims? The NLI verifier and the query embedder, per claim and batched.

    python bench/batching.py

The 32 demo claims, each with 5 sentences of the demo corpus (seeded choice) and their joint reading, as the
pipeline scores them: one verifier call per claim, against one call over the pairs of 4, 8 and 32 claims;
and their query embeddings one at a time, against 32 in one call. Each timing is the best of 3.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.bootstrap import build_library
from service.config import Settings
from service.verifiers.nli import NliVerifier

DEMO = Path(__file__).resolve().parents[1] / "service" / "demo"
CLAIMS = 32


def best_of_3(work: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    claims = [json.loads(line)["claim"] for line in (DEMO / "claims.jsonl").read_text().splitlines() if line][:CLAIMS]
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted((DEMO / "docs").iterdir()))
    sentences = [s.strip() for s in text.split(". ") if 40 < len(s.strip()) < 400]
    chosen = random.Random(0)
    groups = []
    for claim in claims:
        passages = chosen.sample(sentences, 5)
        groups.append((claim, [*passages, " ".join(passages)]))
    verifier = NliVerifier.load()
    verifier.predict_pairs(groups[0][1], [groups[0][0]] * 6)  # warm-up

    def in_calls_of(size: int) -> Callable[[], None]:
        def run() -> None:
            for first in range(0, len(groups), size):
                chunk = groups[first:first + size]
                verifier.predict_pairs([p for _, ps in chunk for p in ps], [c for c, ps in chunk for _ in ps])
        return run

    alone = best_of_3(in_calls_of(1))
    print(f"NLI verifier, {len(groups)} claims x 6 readings: one call a claim {alone:.2f} s")
    for size in (4, 8, 32):
        batched = best_of_3(in_calls_of(size))
        print(f"  one call per {size} claims: {batched:.2f} s ({batched / alone:.2f}x)")
    with tempfile.TemporaryDirectory() as home:
        embedder = build_library(Settings(home=Path(home))).embedder
        embedder.encode(claims[:2])
        one = best_of_3(lambda: [embedder.encode([claim]) for claim in claims])
        together = best_of_3(lambda: embedder.encode(claims))
    print(f"query embeddings: one at a time {one * 1000 / len(claims):.1f} ms a claim, {len(claims)} in one call "
          f"{together * 1000 / len(claims):.1f} ms a claim")


if __name__ == "__main__":
    main()
