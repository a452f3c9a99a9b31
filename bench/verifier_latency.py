"""What the verifier costs per claim: one claim at a time, five evidence sentences, on this machine's cores.

    python bench/verifier_latency.py [--data ../shared/datasets] [--claims 100] [--threads 2]
                                     [--artifact DIR …] [--feature]

Claims are Check-COVID dev claims with five evidence sentences each: their gold sentences and up to two other
sentences of the same abstract, topped up with sentences of the next claims (what retrieval hands the
verifier). Prints p50/p95/mean milliseconds per claim for the bundled NLI verifiers (`nli`, the default, and
`nli-minilm`: the passages and their joint reading in one ONNX call), any other NLI artifact folders given,
and with `--feature` the earlier feature verifier (MiniLM embeddings plus numpy features). Target: ≤ 250 ms
per claim (issue 25).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.config import default_datasets
from service.domain import Passage
from training.training_pairs import dev_examples


def five_sentence_claims(data: Path, count: int) -> list[tuple[str, list[Passage]]]:
    """Each claim with its gold and neighbouring sentences, topped up to five with the next claims' sentences."""
    examples = dev_examples(data)["check-covid dev, gold + 2 other sentences"]
    out = []
    for i, example in enumerate(examples[:count]):
        sentences = list(example.sentences)[:5]
        following = (s for other in examples[i + 1:] + examples[:i] for s in other.sentences)
        while len(sentences) < 5:
            sentences.append(next(following))
        out.append((example.claim, [Passage("doc", 0, len(s), s, 1.0) for s in sentences]))
    return out


def timed(score: Callable[[str, list[Passage]], object], claims: list[tuple[str, list[Passage]]]) -> np.ndarray:
    score(*claims[0])  # warm-up
    times = []
    for claim, passages in claims:
        started = time.perf_counter()
        score(claim, passages)
        times.append((time.perf_counter() - started) * 1000)
    return np.array(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets(),
                        help="datasets folder (default: VERICLAIM_DATASETS, else shared/datasets by the checkout)")
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--artifact", type=Path, action="append", default=[], help="another NLI artifact folder")
    parser.add_argument("--feature", action="store_true", help="also the earlier feature verifier")
    args = parser.parse_args()
    claims = five_sentence_claims(args.data, args.claims)
    sentences = np.mean([len(p) for _, p in claims])
    print(f"{len(claims)} claims, {sentences:.1f} sentences each on average, {args.threads} threads")
    print(f"{'verifier':<28}{'p50 ms':>8}{'p95 ms':>8}{'mean ms':>9}{'MiB':>7}  target ≤ 250 ms")

    from service.verifiers.nli import BUNDLED_ARTIFACTS, MODEL_FILE, NliVerifier, bundled_nli_artifact

    for folder in [*(bundled_nli_artifact(name) for name in BUNDLED_ARTIFACTS), *args.artifact]:
        nli = NliVerifier.load(folder, threads=args.threads)
        ms = timed(nli.score, claims)
        size = (folder / MODEL_FILE).stat().st_size / 2**20
        print(f"{nli.name:<28}{np.median(ms):>8.1f}{np.percentile(ms, 95):>8.1f}{ms.mean():>9.1f}{size:>7.1f}  "
              f"{'met' if np.median(ms) <= 250 else 'MISSED'}", flush=True)
    if not args.feature:
        return

    import torch

    from index.embedder import BUNDLED_MINILM, SentenceTransformerEmbedder
    from service.verifiers.feature import FeatureVerifier

    torch.set_num_threads(args.threads)
    feature = FeatureVerifier.load(SentenceTransformerEmbedder(BUNDLED_MINILM))
    ms = timed(feature.score, claims)
    print(f"{feature.name:<28}{np.median(ms):>8.1f}{np.percentile(ms, 95):>8.1f}{ms.mean():>9.1f}")


if __name__ == "__main__":
    main()
