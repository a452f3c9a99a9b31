"""Citation-Integrity: citing sentences from biomedical papers checked against the cited abstracts.

SciFact format: `claims_{train,dev}.jsonl` lines `{id, claim, evidence: {doc_id: [{sentences, label}]},
cited_doc_ids}` and `corpus.jsonl` lines `{doc_id, title, abstract: [sentences]}`. The whole corpus is
indexed, one document per abstract (id = `doc_id` as a string, sentences joined with a space). A claim's
label comes from its evidence labels (SUPPORT or CONTRADICT/REFUTE); no evidence means NOT_ENOUGH_INFO,
and both kinds on one claim mean CONFLICTING. Gold = the evidence sentences. Claim ids are
`<split>-<id>` because train and dev both number their claims from 0.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from eval.adapters.gold import Dataset, GoldEvidence, GoldLabel, LabelledClaim
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

NAME = "citation-integrity"
SENTENCE_LABELS = {"SUPPORT": GoldLabel.SUPPORTED, "CONTRADICT": GoldLabel.REFUTED,
                   "REFUTE": GoldLabel.REFUTED}
LABEL_NOTE = ("SUPPORT→SUPPORTED, CONTRADICT/REFUTE→REFUTED, no evidence→NOT_ENOUGH_INFO; "
              "gold = evidence sentences")
SPLITS = ("train", "dev")


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    folder = request.path.parent if request.path.is_file() else request.path
    corpus_path = request.corpus or folder / "corpus.jsonl"
    abstracts = {item.document.doc_id: item for item in parse_rows(
        iter_jsonl(corpus_path, errors), partial(_abstract, source=str(corpus_path)), errors)}
    claims = []
    for split, path in _claim_files(request):
        parse = partial(_claim, split=split, abstracts=abstracts)
        claims.extend(parse_rows(iter_jsonl(path, errors), parse, errors))
    documents = [item.document for item in abstracts.values()]
    return Dataset(NAME, claims, documents, binary=False, label_note=LABEL_NOTE)


def _claim_files(request: LoadRequest) -> list[tuple[str, Path]]:
    """(split, file) pairs; a file given directly is named by its stem (`claims_dev` → `dev`)."""
    if request.path.is_file():
        return [(request.path.stem.removeprefix("claims_"), request.path)]
    if request.split not in (*SPLITS, "all"):
        raise DatasetFormatError(f"{NAME} splits are train, dev and all, not {request.split!r}")
    splits = SPLITS if request.split == "all" else (request.split,)
    return [(split, request.path / f"claims_{split}.jsonl") for split in splits]


def _abstract(row: Row, *, source: str) -> SentenceDocument:
    sentences = require_text_list(row["abstract"], "abstract")
    return sentence_document(str(row["doc_id"]), sentences, title=row.get("title") or None, source=source)


def _claim(row: Row, *, split: str, abstracts: dict[str, SentenceDocument]) -> LabelledClaim:
    evidence = row.get("evidence") or {}
    if not isinstance(evidence, dict):
        raise RowError("field 'evidence' must map doc_id to evidence sets")
    labels: set[GoldLabel] = set()
    gold: list[GoldEvidence] = []
    for doc_id, sets in evidence.items():
        gold.extend(_gold(abstracts, str(doc_id), sets))
        labels.update(map_label(SENTENCE_LABELS, item["label"]) for item in sets)
    return LabelledClaim(id=f"{split}-{row['id']}", claim=text_field(row, "claim"),
                         label=_claim_label(labels), evidence=tuple(dict.fromkeys(gold)))


def _gold(abstracts: dict[str, SentenceDocument], doc_id: str, sets: list[Row]) -> tuple[GoldEvidence, ...]:
    if doc_id not in abstracts:
        raise RowError(f"evidence doc_id {doc_id} is not in the corpus")
    return abstracts[doc_id].evidence([index for item in sets for index in item["sentences"]])


def _claim_label(labels: set[GoldLabel]) -> GoldLabel:
    if not labels:
        return GoldLabel.NOT_ENOUGH_INFO
    return labels.pop() if len(labels) == 1 else GoldLabel.CONFLICTING
