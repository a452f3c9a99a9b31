"""HealthVer: health claims judged against evidence passages, one CSV row per (claim, passage) pair.

CSV columns `id, evidence, claim, label, topic_ip, question`. Each row is one labelled claim (id = the
row's `id`) whose label holds against that row's passage, so the same claim text can appear several
times with different labels. Passages are pooled into documents (`healthver:<sha1>`, identical passages
merged); gold evidence = the row's whole passage, for every label. `topic_ip` becomes a `topic:<n>` tag.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from eval.adapters.gold import Dataset, GoldLabel, LabelledClaim
from eval.adapters.reading import (
    LoadRequest,
    Located,
    Row,
    RowErrors,
    locate,
    map_label,
    parse_rows,
    single_split,
    text_field,
)
from eval.adapters.texts import DocumentPool, text_id, whole_document
from service.domain import Document
from service.errors import DatasetFormatError

NAME = "healthver"
LABELS = {"Supports": GoldLabel.SUPPORTED, "Refutes": GoldLabel.REFUTED, "Neutral": GoldLabel.NOT_ENOUGH_INFO}
LABEL_NOTE = ("Supports→SUPPORTED, Refutes→REFUTED, Neutral→NOT_ENOUGH_INFO; "
              "labels hold per (claim, passage) pair; gold = that passage")


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    single_split(request.split, NAME)
    path = locate(request.path, "healthver_dev.csv")
    pool = DocumentPool()

    def parse(row: Row) -> LabelledClaim:
        passage = text_field(row, "evidence")
        document = pool.add(Document(text_id(NAME, passage), passage, source=str(path)))
        topic = (row.get("topic_ip") or "").strip()
        return LabelledClaim(id=text_field(row, "id"), claim=text_field(row, "claim"),
                             label=map_label(LABELS, row["label"]), evidence=(whole_document(document),),
                             tags=(f"topic:{topic}",) if topic else ())

    claims = parse_rows(_csv_rows(path), parse, errors)
    return Dataset(NAME, claims, pool.documents(), binary=False, label_note=LABEL_NOTE)


def _csv_rows(path: Path) -> Iterator[Located]:
    """Each CSV record, located at its first physical line."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            _ = reader.fieldnames  # reads the header, so line_num then counts from the first record
            first_line = reader.line_num + 1
            for row in reader:
                yield Located(f"{path}, line {first_line}", first_line, row)
                first_line = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetFormatError(f"{path}: cannot read CSV ({exc})") from None
