"""The sentence splitter on long paragraphs: windowed (service/text.py) against pysbd over the whole paragraph.

    python bench/splitter.py [--data ../shared/datasets]

1. Time to split one paragraph of 25k and 100k characters with no blank line, both ways, and whether they give
   the same sentences.
2. On the documents of WiCE, Citation-Integrity, Check-COVID and Climate-FEVER (dev; the latency bench's
   collection) that have a paragraph over the window: both ways' time, and the share of the whole-paragraph
   sentences the windowed splitter gives exactly (same offsets).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.datasets import load_dataset
from service.config import default_datasets
from service.text import _WINDOW, Span, _paragraphs, _segmented, split_sentences

SETS = ("wice", "citation-integrity", "check-covid", "climate-fever")
PARAGRAPH = " ".join(["Acme reported revenue of $6.4 billion in 2023, up 12% on the year before.",
                      "Dr. Smith, its U.S. head, said margins rose 2.5 points!"] * 800)


def whole_paragraphs(text: str) -> list[Span]:
    """What the splitter did before it had a window: pysbd over each paragraph at once."""
    return [span for block in _paragraphs(text) for span in _segmented(text, *block)]


def timed(split: object, texts: list[str]) -> tuple[float, list[list[Span]]]:
    started = time.perf_counter()
    spans = [split(text) for text in texts]  # type: ignore[operator]
    return time.perf_counter() - started, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets())
    args = parser.parse_args()
    for size in (25_000, 100_000):
        before, old = timed(whole_paragraphs, [PARAGRAPH[:size]])
        after, new = timed(split_sentences, [PARAGRAPH[:size]])
        print(f"one {size:,}-character paragraph: whole {before:.2f} s, windowed {after:.2f} s; "
              f"{len(new[0])} sentences, {'the same' if old == new else 'not the same'}")
    texts = [doc.text for name in SETS for doc in load_dataset(name, args.data / name, split="dev").documents]
    long = [text for text in texts if any(end - start > _WINDOW for start, end in _paragraphs(text))]
    before, old = timed(whole_paragraphs, long)
    after, new = timed(split_sentences, long)
    kept = sum(len(set(a) & set(b)) for a, b in zip(old, new, strict=True))
    total = sum(len(set(a)) for a in old)
    same = sum(a == b for a, b in zip(old, new, strict=True))
    print(f"{len(long)} of {len(texts)} documents have a paragraph over {_WINDOW:,} characters: whole {before:.1f} s, "
          f"windowed {after:.1f} s; identical documents {same}/{len(long)}; sentences kept exactly "
          f"{kept}/{total} ({kept / total:.1%})")


if __name__ == "__main__":
    main()
