"""FinDVer: claims about money figures in SEC 10-K/10-Q reports (half of testmini).

`testmini.json` is a list of `{example_id, subset, statement, entailment_label, relevant_context:
[paragraph ids], report}`; `reports.jsonl` (~40 MB) holds one report per line, `{report, url,
report_type, context: [{id, context}]}`. Only the reports the claims name are parsed, streaming the file
line by line. Each paragraph is a document, id `<report>#<paragraph id>`; gold = the whole
`relevant_context` paragraphs; the claim's source = every paragraph of its report (`--evidence source`
searches only those, as FinDVer's own retrieval setting does). `subset` (ie / numeric / knowledge) becomes a
tag. A claim whose report is missing from `reports.jsonl` is left out and listed in `Dataset.skipped`.
True/false only: binary.
"""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path

from eval.adapters.gold import Dataset, GoldLabel, LabelledClaim
from eval.adapters.reading import (
    LoadRequest,
    MissingSource,
    Row,
    RowError,
    RowErrors,
    iter_json_list,
    iter_lines,
    locate,
    parse_rows,
    single_split,
    text_field,
)
from eval.adapters.texts import whole_document
from service.domain import Document

NAME = "findver"
LABELS = {True: GoldLabel.SUPPORTED, False: GoldLabel.REFUTED}
LABEL_NOTE = "true→SUPPORTED, false→REFUTED; no NEI class (binary); gold = the relevant_context paragraphs"
REPORT_NAME = re.compile(r'"report"\s*:\s*"((?:[^"\\]|\\.)*)"')


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    single_split(request.split, NAME)
    claims_path = locate(request.path, "testmini.json")
    rows = list(iter_json_list(claims_path, errors))
    reports_path = request.corpus or claims_path.parent / "reports.jsonl"
    wanted = {item.row["report"] for item in rows if isinstance(item.row.get("report"), str)}
    paragraphs = _paragraphs(reports_path, wanted, errors)
    claims = parse_rows(rows, partial(_claim, paragraphs=paragraphs), errors)
    documents = [document for report in paragraphs.values() for document in report.values()]
    return Dataset(NAME, claims, documents, binary=True, label_note=LABEL_NOTE)


def _claim(row: Row, *, paragraphs: dict[str, dict[int, Document]]) -> LabelledClaim:
    claim_id, statement = text_field(row, "example_id"), text_field(row, "statement")
    report_name = text_field(row, "report")
    if row["entailment_label"] not in LABELS:
        raise RowError(f"unknown label {row['entailment_label']!r} (expected true or false)")
    if report_name not in paragraphs:
        raise MissingSource(f"claim {claim_id}: report {report_name!r} is not in reports.jsonl")
    report = paragraphs[report_name]
    missing = [item for item in row["relevant_context"] if item not in report]
    if missing:
        raise RowError(f"relevant_context {missing} not among the paragraphs of {report_name!r}")
    return LabelledClaim(
        id=claim_id, claim=statement, label=LABELS[row["entailment_label"]],
        evidence=tuple(whole_document(report[item]) for item in dict.fromkeys(row["relevant_context"])),
        tags=(str(row["subset"]),) if row.get("subset") else (),
        source=frozenset(document.doc_id for document in report.values()),
    )


def _paragraphs(path: Path, wanted: set[str], errors: RowErrors) -> dict[str, dict[int, Document]]:
    """Paragraph documents of the `wanted` reports, keyed by report name and paragraph id."""
    found: dict[str, dict[int, Document]] = {}
    for number, line in iter_lines(path):
        name = REPORT_NAME.search(line[:1000])
        if name is None or json.loads(f'"{name.group(1)}"') not in wanted:
            continue
        try:
            found.update(_report(json.loads(line), source=str(path)))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            errors.report(f"{path}, line {number}", f"malformed report ({type(exc).__name__}: {exc})")
    return found


def _report(row: Row, *, source: str) -> dict[str, dict[int, Document]]:
    name, url = row["report"], row.get("url")
    title = name.removesuffix(".json")
    if not all(isinstance(item["context"], str) for item in row["context"]):
        raise TypeError("paragraph context must be a string")
    documents = {item["id"]: Document(f"{title}#{item['id']}", item["context"], title=title, url=url,
                                      source=source)
                 for item in row["context"]}
    return {name: documents}
