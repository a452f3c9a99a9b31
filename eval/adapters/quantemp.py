"""QuanTemp: real fact-checked numeric and temporal claims (half of the validation split).

One JSON list, `{claim, label, evidences: [{questions, top_k_doc: [texts]}]}`. Claims have no ids in
the file: id = `quantemp-<index in the list>`. The corpus pools every retrieved text as a document
(`quantemp:<sha1>`, identical texts merged). These texts were found by BM25, not marked by annotators,
so there is no gold evidence. "Half True/False" is CONFLICTING.
"""

from __future__ import annotations

from eval.adapters.gold import Dataset, GoldLabel, LabelledClaim
from eval.adapters.reading import (
    LoadRequest,
    Row,
    RowError,
    RowErrors,
    iter_json_list,
    locate,
    map_label,
    parse_numbered_rows,
    single_split,
    text_field,
)
from eval.adapters.texts import DocumentPool, text_id
from service.domain import Document

NAME = "quantemp"
LABELS = {"True": GoldLabel.SUPPORTED, "False": GoldLabel.REFUTED, "Half True/False": GoldLabel.CONFLICTING,
          "Conflicting": GoldLabel.CONFLICTING}
LABEL_NOTE = "True→SUPPORTED, False→REFUTED, Half True/False→CONFLICTING; retrieved docs, no gold evidence"


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    single_split(request.split, NAME)
    path = locate(request.path, "val_claimonly_evidence_question_mapping.json")
    pool = DocumentPool()

    def parse(index: int, row: Row) -> LabelledClaim:
        claim = LabelledClaim(id=f"{NAME}-{index}", claim=text_field(row, "claim"),
                              label=map_label(LABELS, row["label"]))
        for text in _retrieved(row):
            pool.add(Document(text_id(NAME, text), text, source=str(path)))
        return claim

    claims = parse_numbered_rows(iter_json_list(path, errors), parse, errors)
    return Dataset(NAME, claims, pool.documents(), binary=False, label_note=LABEL_NOTE)


def _retrieved(row: Row) -> list[str]:
    if not isinstance(row.get("evidences", []), list):
        raise RowError("field 'evidences' must be a list")
    texts = [text for item in row.get("evidences", []) for text in item.get("top_k_doc", [])]
    if not all(isinstance(text, str) for text in texts):
        raise RowError("top_k_doc must hold strings")
    return [text for text in texts if text.strip()]
