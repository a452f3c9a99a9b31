"""COVID-Fact: COVID-19 claims from Reddit posts, about two thirds machine-written counter-claims.

One JSONL file, `{claim, label, evidence: [sentences], gold_source, flair}`; no ids, so id =
`covidfact-<line number>`. The evidence sentences (SBERT-selected from the top web results for the
claim) are joined with a space into one document per distinct evidence list (`covidfact:<sha1>`,
shared by a claim and its counter-claims); gold = every sentence of the claim's list. `flair` becomes
a `flair:<name>` tag. No NEI class: binary.
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
    parse_numbered_rows,
    single_split,
    text_field,
)
from eval.adapters.texts import DocumentPool, join_sentences, require_text_list, sentence_evidence, text_id
from service.domain import Document

NAME = "covidfact"
LABELS = {"SUPPORTED": GoldLabel.SUPPORTED, "REFUTED": GoldLabel.REFUTED}
LABEL_NOTE = "SUPPORTED→SUPPORTED, REFUTED→REFUTED; no NEI class (binary); gold = the claim's evidence list"


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    single_split(request.split, NAME)
    path = locate(request.path, "COVIDFACT_dataset.jsonl")
    pool = DocumentPool()

    def parse(line: int, row: Row) -> LabelledClaim:
        sentences = require_text_list(row["evidence"], "evidence")
        joined = join_sentences(sentences)
        document = pool.add(Document(text_id(NAME, joined.text), joined.text, source=str(path)))
        flair = row.get("flair")
        return LabelledClaim(id=f"{NAME}-{line}", claim=text_field(row, "claim"),
                             label=map_label(LABELS, row["label"]),
                             evidence=sentence_evidence(joined, document.doc_id, range(len(sentences))),
                             tags=(f"flair:{flair}",) if flair else ())

    claims = parse_numbered_rows(iter_jsonl(path, errors), parse, errors)
    return Dataset(NAME, claims, pool.documents(), binary=True, label_note=LABEL_NOTE)
