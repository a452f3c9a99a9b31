"""The project's own format: claims JSONL plus an optional corpus JSONL.

Claims, one per line: `{"id", "claim", "label", "evidence"?: [{"doc_id", "quote", "start"?, "end"?}],
"tags"?: [...], "date"?}`; `label` is a `GoldLabel` name or any spelling `Label.parse` accepts.
Corpus, one document per line: `{"id", "text", "title"?, "url"?, "date"?}`.

With a corpus, every evidence item must point into a known document: given offsets are checked
(`text[start:end] == quote`), a bare quote is looked up (first occurrence). Without one, offsets are
kept as given, or -1:-1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eval.adapters.gold import Dataset, GoldEvidence, GoldLabel, LabelledClaim
from eval.adapters.reading import (
    LoadRequest,
    Row,
    RowError,
    RowErrors,
    iter_jsonl,
    locate,
    parse_rows,
    text_field,
)
from service.domain import Document

CLAIMS_FILE = "claims.jsonl"
CORPUS_FILE = "corpus.jsonl"
LABEL_NOTE = "native labels as written (GoldLabel names or Label.parse spellings)"


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    claims_path = locate(request.path, CLAIMS_FILE)
    corpus_path = request.corpus or _default_corpus(request.path)
    corpus = None
    if corpus_path is not None:
        source = str(corpus_path)
        documents = parse_rows(iter_jsonl(corpus_path, errors), lambda row: _document(row, source), errors)
        corpus = {document.doc_id: document for document in documents}
    claims = parse_rows(iter_jsonl(claims_path, errors), _ClaimParser(corpus), errors)
    binary = bool(claims) and all(claim.label is not GoldLabel.NOT_ENOUGH_INFO for claim in claims)
    return Dataset(_name(claims_path), claims, list((corpus or {}).values()), binary, LABEL_NOTE)


def write_native(dataset: Dataset, out_dir: Path) -> tuple[Path, Path]:
    """Write `claims.jsonl` and `corpus.jsonl` under `out_dir` (created if missing); return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    claims_path, corpus_path = out_dir / CLAIMS_FILE, out_dir / CORPUS_FILE
    _write_lines(claims_path, (_claim_row(claim) for claim in dataset.claims))
    _write_lines(corpus_path, (_document_row(document) for document in dataset.documents))
    return claims_path, corpus_path


def _default_corpus(path: Path) -> Path | None:
    candidate = path / CORPUS_FILE if path.is_dir() else None
    return candidate if candidate is not None and candidate.is_file() else None


def _name(claims_path: Path) -> str:
    return claims_path.parent.name if claims_path.name == CLAIMS_FILE else claims_path.stem


def _document(row: Row, source: str) -> Document:
    return Document(str(row["id"]), text_field(row, "text"), title=row.get("title"),
                    url=row.get("url"), date=row.get("date"), source=source)


class _ClaimParser:
    """Parses claim rows, checking ids are unique and evidence fits the corpus (when there is one)."""

    def __init__(self, corpus: dict[str, Document] | None) -> None:
        self._corpus = corpus
        self._seen: set[str] = set()

    def __call__(self, row: Row) -> LabelledClaim:
        claim_id = str(row["id"])
        if claim_id in self._seen:
            raise RowError(f"duplicate claim id {claim_id!r}")
        claim = LabelledClaim(
            id=claim_id,
            claim=text_field(row, "claim"),
            label=_label(row["label"]),
            evidence=tuple(self._evidence(item) for item in _list(row, "evidence")),
            tags=tuple(str(tag) for tag in _list(row, "tags")),
            date=row.get("date"),
        )
        self._seen.add(claim_id)
        return claim

    def _evidence(self, item: Any) -> GoldEvidence:
        if not isinstance(item, dict):
            raise RowError("each evidence item must be an object with doc_id and quote")
        doc_id, quote = str(item["doc_id"]), text_field(item, "quote")
        start, end = item.get("start", -1), item.get("end", -1)
        if not (type(start) is int and type(end) is int):
            raise RowError(f"evidence offsets must be integers, got {start!r}:{end!r}")
        if self._corpus is None:
            return GoldEvidence(doc_id, start, end, quote)
        if doc_id not in self._corpus:
            raise RowError(f"evidence doc_id {doc_id!r} is not in the corpus")
        text = self._corpus[doc_id].text
        if start == -1 and end == -1:
            start = text.find(quote)
            if start < 0:
                raise RowError(f"evidence quote not found in document {doc_id!r}: {quote[:60]!r}")
            end = start + len(quote)
        elif text[start:end] != quote or start < 0:
            raise RowError(f"evidence offsets {start}:{end} do not match the quote in {doc_id!r}")
        return GoldEvidence(doc_id, start, end, quote)


def _label(raw: object) -> GoldLabel:
    try:
        return GoldLabel.parse(str(raw))
    except ValueError:
        raise RowError(f"unknown label {raw!r}") from None


def _list(row: Row, name: str) -> list[Any]:
    value = row.get(name) or []
    if not isinstance(value, list):
        raise RowError(f"field {name!r} must be a list")
    return value


def _claim_row(claim: LabelledClaim) -> dict[str, Any]:
    row: dict[str, Any] = {"id": claim.id, "claim": claim.claim, "label": claim.label.value}
    if claim.evidence:
        row["evidence"] = [_evidence_row(item) for item in claim.evidence]
    if claim.tags:
        row["tags"] = list(claim.tags)
    if claim.date is not None:
        row["date"] = claim.date
    return row


def _evidence_row(item: GoldEvidence) -> dict[str, Any]:
    row: dict[str, Any] = {"doc_id": item.doc_id, "quote": item.quote}
    if item.start >= 0:
        row.update(start=item.start, end=item.end)
    return row


def _document_row(document: Document) -> dict[str, Any]:
    row = {"id": document.doc_id, "text": document.text, "title": document.title,
           "url": document.url, "date": document.date}
    return {key: value for key, value in row.items() if value is not None}


def _write_lines(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
