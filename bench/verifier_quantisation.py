"""What storing the NLI verifier's weights in 4 bits costs: one trained folder exported as int8 and as int4, each
loaded as the service loads it (an int4 graph is turned into int8 once, then cached) and scored on the
gold-evidence dev sets.

    python bench/verifier_quantisation.py --final CHECKPOINTS/final [--base all-mpnet-base-v2]
                                          [--out /tmp/vericlaim-quantisation] [--data ../shared/datasets]

Prints, per quantisation: the graph's size, the first load's seconds (int4 builds its int8 graph then, unless
the cache folder holds it: run with an empty XDG_CACHE_HOME) and a later one's, milliseconds per claim (one claim
with five evidence sentences, 20 times, this machine's cores) and the dev scores of
`training.verifier_scores.gold_scores` (what `vericlaim verifier train` writes into an artifact's header).
Needs the `train` extra (torch, onnx, onnx-ir).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.config import default_datasets
from service.domain import Passage
from service.verifiers.nli import MODEL_FILE, NliVerifier
from training.nli_export import export
from training.verifier_scores import gold_scores

CLAIM = "Veridian's revenue grew about 200% in fiscal 2024 according to its filings"
EVIDENCE = "Revenue for the year reached $640 million, up from $212 million in fiscal 2023, the company said."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--final", type=Path, required=True, help="a trained transformers folder (CHECKPOINTS/final)")
    parser.add_argument("--base", default="all-mpnet-base-v2")
    parser.add_argument("--out", type=Path, default=Path("/tmp/vericlaim-quantisation"))
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    data = args.data or default_datasets()
    evidence = [Passage("d", 0, len(EVIDENCE), EVIDENCE, 1.0)] * 5
    for quantisation in ("int8", "int4"):
        folder = args.out / quantisation
        export(args.final, folder, name=f"quantisation-{quantisation}", base=args.base,
               metadata={"max_length": 128}, quantisation=quantisation)
        started = time.perf_counter()
        NliVerifier.load(folder)
        first = time.perf_counter() - started
        started = time.perf_counter()
        verifier = NliVerifier.load(folder)
        later = time.perf_counter() - started
        verifier.score(CLAIM, evidence)
        started = time.perf_counter()
        for _ in range(20):
            verifier.score(CLAIM, evidence)
        per_claim = (time.perf_counter() - started) / 20 * 1000
        size = (folder / MODEL_FILE).stat().st_size / 2**20
        print(f"{quantisation}: {size:.1f} MiB, load {first:.1f} s then {later:.1f} s, {per_claim:.1f} ms a claim",
              flush=True)
        for name, scores in gold_scores(verifier, data).items():
            print(f"  {name}: {json.dumps(scores)}", flush=True)


if __name__ == "__main__":
    main()
