"""Climate-FEVER: climate claims, each with five labelled Wikipedia sentences (half the set).

One JSONL file, `{claim_id, claim, claim_label, evidences: [{evidence_id, evidence_label, article,
evidence}]}`. The corpus groups all evidence sentences by Wikipedia article: one document per article
(id and title = the article title), its sentences in their article order (`evidence_id` is
`<article>:<sentence number>`) joined with a space. Gold evidence = the claim's sentences labelled
SUPPORTS or REFUTES. DISPUTED claims are CONFLICTING.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from eval.adapters.gold import Dataset, GoldEvidence, GoldLabel, LabelledClaim
from eval.adapters.reading import (
    LoadRequest,
    Row,
    RowError,
    RowErrors,
    iter_jsonl,
    locate,
    map_label,
    parse_rows,
    single_split,
    text_field,
)
from eval.adapters.texts import sentence_document
from service.domain import Document

NAME = "climate-fever"
LABELS = {"SUPPORTS": GoldLabel.SUPPORTED, "REFUTES": GoldLabel.REFUTED,
          "NOT_ENOUGH_INFO": GoldLabel.NOT_ENOUGH_INFO, "DISPUTED": GoldLabel.CONFLICTING}
GOLD_SENTENCE_LABELS = frozenset({"SUPPORTS", "REFUTES"})
LABEL_NOTE = ("SUPPORTS→SUPPORTED, REFUTES→REFUTED, NOT_ENOUGH_INFO→NOT_ENOUGH_INFO, DISPUTED→CONFLICTING; "
              "gold = evidence sentences labelled SUPPORTS/REFUTES")


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    single_split(request.split, NAME)
    path = locate(request.path, "climate-fever.jsonl")
    rows = parse_rows(iter_jsonl(path, errors), _checked, errors)
    documents, sentence_spans = _articles(rows, source=str(path))
    claims = [_claim(row, sentence_spans) for row in rows]
    return Dataset(NAME, claims, documents, binary=False, label_note=LABEL_NOTE)


def _checked(row: Row) -> Row:
    """Validate a row up front so building the corpus and the claims cannot fail half way."""
    text_field(row, "claim_id")
    text_field(row, "claim")
    map_label(LABELS, row["claim_label"])
    if not isinstance(row["evidences"], list):
        raise RowError("field 'evidences' must be a list")
    for item in row["evidences"]:
        text_field(item, "evidence")
        _sentence_key(item)
    return row


def _sentence_key(item: dict[str, Any]) -> tuple[str, int]:
    """(article, the sentence's number in it), from `evidence_id` = `<article>:<n>`."""
    _, _, number = text_field(item, "evidence_id").rpartition(":")
    if not number.isdigit():
        raise RowError(f"evidence_id {item['evidence_id']!r} does not end in ':<sentence number>'")
    return text_field(item, "article"), int(number)


def _articles(rows: list[Row], *, source: str) -> tuple[list[Document], dict[tuple[str, int], GoldEvidence]]:
    """One document per article, and each sentence's span in it keyed by `_sentence_key`."""
    sentences: dict[str, dict[int, str]] = defaultdict(dict)
    for row in rows:
        for item in row["evidences"]:
            article, number = _sentence_key(item)
            sentences[article].setdefault(number, item["evidence"])
    documents, spans = [], {}
    for article, by_number in sentences.items():
        numbers = sorted(by_number)
        built = sentence_document(article, [by_number[n] for n in numbers], title=article, source=source)
        documents.append(built.document)
        for index, number in enumerate(numbers):
            spans[article, number] = built.joined.evidence(article, index)
    return documents, {key: span for key, span in spans.items() if span is not None}


def _claim(row: Row, spans: dict[tuple[str, int], GoldEvidence]) -> LabelledClaim:
    gold = (spans.get(_sentence_key(item)) for item in row["evidences"]
            if item.get("evidence_label") in GOLD_SENTENCE_LABELS)
    evidence = tuple(dict.fromkeys(item for item in gold if item is not None))
    return LabelledClaim(id=row["claim_id"], claim=row["claim"],
                         label=map_label(LABELS, row["claim_label"]), evidence=evidence)
