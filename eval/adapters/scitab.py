"""SciTab: claims about tables from scientific papers (half the set).

One JSON list, `{id, claim, label, paper, table_id, table_caption, table_column_names,
table_content_values}`. Each table becomes one document, linearised as the caption, then the column
names and each row with cells separated by " | ", one line each. Cell markup such as `[BOLD]` is kept
(it marks the best results); `[EMPTY]` cells are written as empty. The id is `table_id`; two tables
in the data share an id with different contents, so a later differing table gets `<table_id>~<sha1>`.
Gold evidence = the whole table, for every label.
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
    parse_rows,
    single_split,
    text_field,
)
from eval.adapters.texts import DocumentPool, require_text_list, text_id, whole_document
from service.domain import Document

NAME = "scitab"
LABELS = {"supports": GoldLabel.SUPPORTED, "refutes": GoldLabel.REFUTED,
          "not enough info": GoldLabel.NOT_ENOUGH_INFO}
LABEL_NOTE = "supports→SUPPORTED, refutes→REFUTED, not enough info→NOT_ENOUGH_INFO; gold = the whole table"
CELL_SEPARATOR = " | "
EMPTY_CELL = "[EMPTY]"


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    single_split(request.split, NAME)
    path = locate(request.path, "sci_tab.json")
    pool = DocumentPool()

    def parse(row: Row) -> LabelledClaim:
        table = _table_document(row, pool, source=str(path))
        return LabelledClaim(id=text_field(row, "id"), claim=text_field(row, "claim"),
                             label=map_label(LABELS, row["label"]), evidence=(whole_document(table),),
                             tags=(f"paper:{row.get('paper_id', '')}",))

    claims = parse_rows(iter_json_list(path, errors), parse, errors)
    return Dataset(NAME, claims, pool.documents(), binary=False, label_note=LABEL_NOTE)


def linearise(caption: str, columns: list[str], rows: list[list[str]]) -> str:
    lines = [caption, _cells(columns), *(_cells(row) for row in rows)]
    return "\n".join(lines)


def _cells(cells: list[str]) -> str:
    return CELL_SEPARATOR.join("" if cell == EMPTY_CELL else cell for cell in cells)


def _table_document(row: Row, pool: DocumentPool, *, source: str) -> Document:
    values = row["table_content_values"]
    if not isinstance(values, list):
        raise RowError("table_content_values must be a list of rows")
    rows = [require_text_list(values_row, "each table row") for values_row in values]
    text = linearise(text_field(row, "table_caption"), require_text_list(row["table_column_names"],
                     "table_column_names"), rows)
    table_id = text_field(row, "table_id")
    existing = pool.get(table_id)
    clash = existing is not None and existing.text != text
    doc_id = f"{table_id}~{text_id(NAME, text)[-12:]}" if clash else table_id
    return pool.add(Document(doc_id, text, title=row.get("paper"), source=source))
