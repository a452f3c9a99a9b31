"""How well filings' tables are read: the share of table rows whose every value is named by its column.

    python bench/table_reading.py [--data ../shared/datasets] [--show 10]

Reads every paragraph of FinDVer's 191 reports (`findver/reports.jsonl`) with the document reader
(`index.structure.Outline`) and counts the table rows read with two or more values: how many name every value
("Year Ended December 31, 2023: $1,210 thousand; …") rather than listing bare figures ("$1,210; $905"), which
neither the verifier nor the figures engine can put in a period. `--show N` prints N rows read without names.
No model is loaded; about a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from index.structure import Outline
from service.config import default_datasets

_FIGURE = re.compile(r"\d")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_datasets())
    parser.add_argument("--show", type=int, default=0, help="print this many rows read without column names")
    args = parser.parse_args()
    rows = named = 0
    unnamed: list[str] = []
    with (args.data / "findver" / "reports.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            for paragraph in json.loads(line)["context"]:
                text = paragraph["context"]
                if text.count("|") < 4:
                    continue
                outline = Outline.of(text)
                for unit in outline.units():
                    if unit.kind != "row":
                        continue
                    reading = outline.reading(unit.start, unit.end)
                    values = reading.split(" — ", 1)[-1].split("; ")
                    if len(values) < 2 or not _FIGURE.search(reading):
                        continue
                    rows += 1
                    if all(": " in value for value in values):
                        named += 1
                    else:
                        unnamed.append(reading)
    print(f"FinDVer reports: {rows:,} table rows with two or more values; {named:,} ({named / max(rows, 1):.1%}) "
          "name every value's column")
    for reading in random.Random(0).sample(unnamed, min(args.show, len(unnamed))):
        print("  " + reading[:240])


if __name__ == "__main__":
    main()
