"""WiCE: Wikipedia claims checked against the full web page they cite (dev, 349 claims).

One JSONL file, `{label, supporting_sentences: [[index…]…], claim, evidence: [sentences], meta: {id…}}`.
One document per claim page, id = `wice:<meta.id>`, its sentences joined with a space; the title comes
from the page's leading `(meta data) TITLE:` line when present. `supporting_sentences` lists alternative
sufficient sets; gold evidence is their union. WiCE has no refuted class: partially_supported and
not_supported map to NOT_ENOUGH_INFO, the set is scored supported vs not (binary), and the original
label is kept as a `wice:<label>` tag.
"""

from __future__ import annotations

from eval.adapters.gold import Dataset, GoldLabel, LabelledClaim
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
from eval.adapters.texts import SentenceDocument, require_text_list, sentence_document

NAME = "wice"
LABELS = {"supported": GoldLabel.SUPPORTED, "partially_supported": GoldLabel.NOT_ENOUGH_INFO,
          "not_supported": GoldLabel.NOT_ENOUGH_INFO}
LABEL_NOTE = ("supported→SUPPORTED; partially_supported and not_supported→NOT_ENOUGH_INFO "
              "(no refuted class: scored supported vs not); gold = union of supporting sentence sets")
TITLE_PREFIX = "(meta data) TITLE:"


def load(request: LoadRequest, errors: RowErrors) -> Dataset:
    single_split(request.split, NAME)
    path = locate(request.path, "dev.jsonl")
    pages: list[SentenceDocument] = []

    def parse(row: Row) -> LabelledClaim:
        claim, page = _claim_and_page(row, source=str(path))
        pages.append(page)
        return claim

    claims = parse_rows(iter_jsonl(path, errors), parse, errors)
    return Dataset(NAME, claims, [page.document for page in pages], binary=True, label_note=LABEL_NOTE)


def _claim_and_page(row: Row, *, source: str) -> tuple[LabelledClaim, SentenceDocument]:
    claim_id = text_field(row["meta"], "id")
    sentences = require_text_list(row["evidence"], "evidence")
    page = sentence_document(f"{NAME}:{claim_id}", sentences, title=_title(sentences), source=source)
    claim = LabelledClaim(id=claim_id, claim=text_field(row, "claim"), label=map_label(LABELS, row["label"]),
                          evidence=page.evidence(_supporting(row)), tags=(f"{NAME}:{row['label']}",))
    return claim, page


def _supporting(row: Row) -> list[int]:
    sets = row.get("supporting_sentences") or []
    if not all(isinstance(group, list) for group in sets):
        raise RowError("supporting_sentences must be a list of lists of sentence indices")
    return sorted({index for group in sets for index in group})


def _title(sentences: list[str]) -> str | None:
    if sentences and sentences[0].startswith(TITLE_PREFIX):
        return sentences[0][len(TITLE_PREFIX):].strip() or None
    return None
