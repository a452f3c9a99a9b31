"""FEVER-Symmetric: adversarial FEVER pairs where the claim alone gives no clue (dev, 708 claims).

One JSONL file, `{id, claim, evidence, label}`, one gold sentence per claim. The corpus pools every
distinct sentence as a one-sentence document (`fever-symmetric:<sha1>`, shared by the claims that cite
it); that sentence is the gold evidence. No NEI class, so the set is binary.
"""

from __future__ import annotations

from eval.adapters.gold import Dataset, GoldLabel, LabelledClaim
from eval.adapters.reading import (
    LoadRequest,
    Row,
    RowErrors,
    iter_jsonl,
    locate,
    map_label,
    parse_rows,
    single_split,
    text_field,
)
from eval.adapters.texts import DocumentPool, text_id, whole_document
from service.domain import Document

NAME = "fever-symmetric"
LABELS = {"SUPPORTS": GoldLabel.SUPPORTED, "REFUTES": GoldLabel.REFUTED}
LABEL_NOTE = "SUPPORTS→SUPPORTED, REFUTES→REFUTED; no NEI class (binary)"


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    single_split(request.split, NAME)
    path = locate(request.path, "fever_symmetric_dev.jsonl")
    pool = DocumentPool()

    def parse(row: Row) -> LabelledClaim:
        sentence = text_field(row, "evidence")
        document = pool.add(Document(text_id(NAME, sentence), sentence, source=str(path)))
        return LabelledClaim(id=str(row["id"]), claim=text_field(row, "claim"),
                             label=map_label(LABELS, row["label"]), evidence=(whole_document(document),))

    claims = parse_rows(iter_jsonl(path, errors), parse, errors)
    return Dataset(NAME, claims, pool.documents(), binary=True, label_note=LABEL_NOTE)
