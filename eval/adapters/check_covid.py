"""Check-COVID: news claims about COVID-19 checked against 347 paper abstracts.

Files: `Check-COVID/{train,dev}/covidCheck_<split>_composed+extracted.json` (JSON lines despite the name)
and `Check-COVID/corpus.json` (`{cord_id, title, abstract: [sentences]}` lines). One document per
abstract, id = `cord_id`; gold = the PRIMARY sentences of `evidence_set`, kept for every label (for NEI
claims they are the related-but-insufficient sentence the annotators picked). Tags: `extracted` (written
by journalists, `is_auth`) or `composed` (written by annotators).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from eval.adapters.gold import Dataset, GoldLabel, LabelledClaim
from eval.adapters.reading import (
    LoadRequest,
    Row,
    RowError,
    RowErrors,
    iter_jsonl,
    map_label,
    parse_rows,
    text_field,
)
from eval.adapters.texts import SentenceDocument, require_text_list, sentence_document
from service.errors import DatasetFormatError

LABELS = {"SUPPORT": GoldLabel.SUPPORTED, "REFUTE": GoldLabel.REFUTED,
          "NOTENOUGHINFO": GoldLabel.NOT_ENOUGH_INFO}
LABEL_NOTE = "SUPPORT→SUPPORTED, REFUTE→REFUTED, NOTENOUGHINFO→NOT_ENOUGH_INFO; gold = PRIMARY sentences"
SPLITS = ("train", "dev")


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    root, claim_files = _claim_files(request)
    corpus_path = request.corpus or root / "corpus.json"
    abstracts = {item.document.doc_id: item for item in parse_rows(
        iter_jsonl(corpus_path, errors), partial(_abstract, source=str(corpus_path)), errors)}
    claims = [claim for path in claim_files
              for claim in parse_rows(iter_jsonl(path, errors), partial(_claim, abstracts=abstracts), errors)]
    documents = [item.document for item in abstracts.values()]
    return Dataset("check-covid", claims, documents, binary=False, label_note=LABEL_NOTE)


def _claim_files(request: LoadRequest) -> tuple[Path, list[Path]]:
    """The folder holding corpus.json, and the claim files of the requested split(s)."""
    if request.path.is_file():
        return request.path.parent.parent, [request.path]
    root = request.path / "Check-COVID" if (request.path / "Check-COVID").is_dir() else request.path
    if request.split not in (*SPLITS, "all"):
        raise DatasetFormatError(f"check-covid splits are train, dev and all, not {request.split!r}")
    splits = SPLITS if request.split == "all" else (request.split,)
    return root, [root / split / f"covidCheck_{split}_composed+extracted.json" for split in splits]


def _abstract(row: Row, *, source: str) -> SentenceDocument:
    sentences = require_text_list(row["abstract"], "abstract")
    return sentence_document(text_field(row, "cord_id"), sentences, title=row.get("title"), source=source)


def _claim(row: Row, *, abstracts: dict[str, SentenceDocument]) -> LabelledClaim:
    cord_id = text_field(row, "cord_id")
    if cord_id not in abstracts:
        raise RowError(f"cord_id {cord_id!r} is not in the corpus")
    primary = [item["sent_index"] for item in row["evidence_set"] if item.get("type") == "PRIMARY"]
    return LabelledClaim(
        id=text_field(row, "id"),
        claim=text_field(row, "claim"),
        label=map_label(LABELS, row["label"]),
        evidence=abstracts[cord_id].evidence(primary),
        tags=("extracted",) if row.get("is_auth") else ("composed",),
    )
