"""Peak memory of a streamed ingest (`vericlaim ingest`, i.e. `Library.ingest_files`) as the corpus grows.

    python bench/ingest_memory.py [--docs 1000,4000] [--batch-chars 1000000] [--embedder fake|minilm]
    python bench/ingest_memory.py --paragraph 1000000 [--embedder minilm]   # one document, one paragraph
    python bench/ingest_memory.py --long-texts 640     # the embedder alone on texts of 256 tokens, with and
                                                       # without its token budget per batch

For each size a synthetic corpus of N documents (15 sentences of 6-20 words each, about 1.1 kB) is written
as one JSONL file and ingested into an empty collection by a fresh subprocess (ru_maxrss is a high-water
mark): once in batches of `--batch-chars`, once as a single batch (the whole corpus read before anything is
embedded). A third subprocess only loads the finished collection, as a server does: that is what the
collection itself costs in memory, so the ingest's own cost is the difference. Figures are peak RSS above
each process's baseline after imports. The fake embedder (384-d hashing) is the default: a model's own
memory is a constant that would only hide the ingest's.

`--paragraph N` is the worst case a single upload can be: one document of N characters in one paragraph,
ingested with the real embedder by default, as a server would; it prints the peak, what the process still
holds after the ingest (resident, not peak) and after the document is deleted again.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index import onnx_embedder
from index.library import Library
from index.onnx_embedder import MAX_BATCH_TOKENS
from service.bootstrap import build_embedder, file_store_config
from service.config import Settings
from service.fakes import HashingEmbedder


def write_corpus(path: Path, documents: int) -> int:
    """The corpus as JSONL; returns its characters of text."""
    rng = random.Random(0)
    chars = 0
    words = [f"w{i}" for i in range(5000)]

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(6, 20))).capitalize() + "."

    with path.open("w", encoding="utf-8") as out:
        for i in range(documents):
            text = " ".join(sentence() for _ in range(15))
            out.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
            chars += len(text)
    return chars


def write_paragraph(path: Path, chars: int) -> int:
    """One document of about `chars` characters, all one paragraph."""
    rng = random.Random(0)
    words = [f"w{i}" for i in range(5000)]
    sentences, total = [], 0
    while total < chars:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 20))).capitalize() + "."
        sentences.append(sentence)
        total += len(sentence) + 1
    text = " ".join(sentences)
    path.write_text(json.dumps({"id": "paragraph", "text": text}) + "\n", encoding="utf-8")
    return len(text)


def resident_mib() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def make_library(home: Path, batch_chars: int, embedder_name: str) -> Library:
    settings = Settings(home=home, retrieval={"ingest_batch_chars": batch_chars})
    return Library(file_store_config(settings), HashingEmbedder(384) if embedder_name == "fake"
                   else build_embedder(settings))


def measure(corpus: Path, home: Path, batch_chars: int, embedder: str, load_only: bool) -> dict[str, float]:
    """One ingest (or one load) in this process; run it in a fresh one so the peak is its own."""
    library = make_library(home, batch_chars, embedder)
    baseline = peak_mib()
    started = time.perf_counter()
    resident = resident_mib()
    if load_only:
        library.snapshot().sentences  # noqa: B018 -- the sentence table is built on first use; a server needs it
    else:
        library.ingest_files([corpus])
    figures = {"peak": peak_mib() - baseline, "seconds": time.perf_counter() - started,
               "held": resident_mib() - resident}
    if not load_only:
        library.delete([json.loads(line)["id"] for line in corpus.read_text(encoding="utf-8").splitlines()])
        figures["held_after_delete"] = resident_mib() - resident
    return figures


def embed_long(count: int, budget: int) -> dict[str, float]:
    """Peak memory of embedding `count` texts that fill the embedder's 256 tokens, batched under `budget`."""
    onnx_embedder.MAX_BATCH_TOKENS = budget
    embedder = build_embedder(Settings())
    rng = random.Random(0)
    texts = [" ".join(rng.choice(["alpha", "beta", "gamma", "delta", "w12", "x9"]) for _ in range(300))
             for _ in range(count)]
    baseline = peak_mib()
    started = time.perf_counter()
    embedder.encode(texts)
    return {"peak": peak_mib() - baseline, "seconds": time.perf_counter() - started}


def run(corpus: Path, home: Path, batch_chars: int, embedder: str, load_only: bool = False) -> dict[str, float]:
    command = [sys.executable, __file__, "--measure", str(corpus), str(home), "--batch-chars", str(batch_chars),
               "--embedder", embedder, *(["--load-only"] if load_only else [])]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", default="1000,4000", help="Corpus sizes, in documents.")
    parser.add_argument("--batch-chars", type=int, default=Settings().retrieval.ingest_batch_chars)
    parser.add_argument("--embedder", choices=["fake", "minilm"], default=None,
                        help="fake (384-d hashing; the default for --docs) or minilm (the default for --paragraph)")
    parser.add_argument("--paragraph", type=int, help="One document of this many characters in one paragraph.")
    parser.add_argument("--long-texts", type=int, help="Embed this many texts of ~300 words (256 tokens each, the "
                        "longest a chunk is read) with the real embedder, in a fresh process per token budget.")
    parser.add_argument("--batch-tokens", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.long_texts and args.batch_tokens:
        print(json.dumps(embed_long(args.long_texts, args.batch_tokens)))
        return
    if args.long_texts:
        for budget in (10**9, MAX_BATCH_TOKENS):
            command = [sys.executable, __file__, "--long-texts", str(args.long_texts), "--batch-tokens", str(budget)]
            found = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            print(f"{args.long_texts} texts of 256 tokens, batches of at most 64 texts and "
                  f"{'no token limit' if budget == 10**9 else f'{budget:,} padded tokens'}: peak "
                  f"+{found['peak']:.0f} MiB above the loaded model, {found['seconds']:.1f} s")
        return
    if args.measure:
        print(json.dumps(measure(*args.measure, args.batch_chars, args.embedder or "fake", args.load_only)))
        return
    if args.paragraph:
        with tempfile.TemporaryDirectory() as folder:
            corpus = Path(folder) / "paragraph.jsonl"
            chars = write_paragraph(corpus, args.paragraph)
            found = run(corpus, Path(folder) / "home", args.batch_chars, args.embedder or "minilm")
        print(f"one paragraph of {chars:,} characters, {args.embedder or 'minilm'} embedder: peak +{found['peak']:.0f} "
              f"MiB, held after the ingest +{found['held']:.0f} MiB, after deleting it "
              f"+{found['held_after_delete']:.0f} MiB; {found['seconds']:.0f} s")
        return
    print(f"peak RSS above the baseline after imports, MiB; batches of {args.batch_chars:,} characters")
    print(f"{'docs':>6}{'chars':>8}{'loading it':>12}{'ingest, batches':>17}{'ingest, one batch':>19}{'ingest s':>10}")
    for documents in (int(n) for n in args.docs.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            corpus = Path(folder) / "corpus.jsonl"
            chars = write_corpus(corpus, documents)
            embedder = args.embedder or "fake"
            streamed = run(corpus, Path(folder) / "batches", args.batch_chars, embedder)
            whole = run(corpus, Path(folder) / "whole", 2**62, embedder)
            loaded = run(corpus, Path(folder) / "batches", args.batch_chars, embedder, load_only=True)
        print(f"{documents:>6}{chars / 1e6:>7.1f}M{loaded['peak']:>12.0f}{streamed['peak']:>17.0f}"
              f"{whole['peak']:>19.0f}{streamed['seconds']:>10.0f}", flush=True)


if __name__ == "__main__":
    main()
