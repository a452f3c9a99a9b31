"""How long reading a document's structure takes, and how much memory, as the document grows.

    python bench/structure_reading.py [--data ../shared/datasets] [--sizes 1,2,5]

A report is made of FinDVer's SEC filings (their paragraphs in order, tables included) cut to each size in MB,
and read as ingest reads it (`index.structure.Outline`: lines, headings, tables; `units()` then splits the prose
with pysbd) and as a snapshot reads it (every unit's reading). Prints seconds and MB/s for each step and the peak
memory above the start (tracemalloc), so that time and memory can be seen to grow linearly with the size. A
table of 10,000 columns and a ragged one are read too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.structure import Outline
from service.config import default_datasets


def report_text(data: Path, size_mb: float) -> str:
    wanted = int(size_mb * 1_000_000)
    parts: list[str] = []
    total = 0
    with (data / "findver" / "reports.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            for paragraph in json.loads(line)["context"]:
                parts.append(paragraph["context"])
                total += len(paragraph["context"]) + 2
                if total >= wanted:
                    return "\n\n".join(parts)[:wanted]
    return "\n\n".join(parts)[:wanted]


def timed(text: str) -> tuple[float, float, float, int]:
    tracemalloc.start()
    started = time.perf_counter()
    outline = Outline.of(text)
    lines = time.perf_counter() - started
    units = outline.units()
    split = time.perf_counter() - started - lines
    for unit in units:
        outline.reading(unit.start, unit.end)
    read = time.perf_counter() - started - lines - split
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines, split, read, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets())
    parser.add_argument("--sizes", default="1,2,5")
    args = parser.parse_args()
    print(f"{'MB':>5}{'outline s':>11}{'units s':>9}{'readings s':>12}{'MB/s all':>10}{'peak MB':>9}")
    for size in (float(s) for s in args.sizes.split(",")):
        text = report_text(args.data, size)
        lines, split, read, peak = timed(text)
        total = lines + split + read
        print(f"{len(text) / 1e6:>5.1f}{lines:>11.2f}{split:>9.2f}{read:>12.2f}{len(text) / 1e6 / total:>10.2f}"
              f"{peak / 1e6:>9.0f}", flush=True)
    wide = "| " + " | ".join(str(i) for i in range(10_000)) + " |\n| x | " + " | ".join(["1"] * 9_999) + " |"
    ragged = "\n".join("| " + " | ".join("7" for _ in range(n % 9 + 1)) + " |" for n in range(20_000))
    for name, text in (("10,000 columns", wide), ("20,000 ragged rows", ragged)):
        lines, split, read, peak = timed(text)
        print(f"{name}: {lines + split + read:.2f} s, peak {peak / 1e6:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
