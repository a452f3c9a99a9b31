"""Dataset adapters: every public format against the real files, and the native format end to end."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from eval.datasets import (
    FORMATS,
    Conflicting,
    Dataset,
    GoldEvidence,
    GoldLabel,
    LabelledClaim,
    OnError,
    load_dataset,
    write_native,
)
from service.domain import Document
from service.errors import DatasetFormatError

pytestmark = pytest.mark.unit

DATASETS = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
needs_datasets = pytest.mark.skipif(not DATASETS.is_dir(), reason=f"shared datasets not found at {DATASETS}")

S, R, NEI, C = GoldLabel.SUPPORTED, GoldLabel.REFUTED, GoldLabel.NOT_ENOUGH_INFO, GoldLabel.CONFLICTING


@dataclass(frozen=True)
class Expected:
    """What the dev split must look like with default options."""

    fmt: str
    labels: dict[GoldLabel, int]
    documents: int
    gold: int
    binary: bool
    first_claim: str


EXPECTED = [
    Expected("check-covid", {S: 69, R: 70, NEI: 68}, 347, 213, False,
             "Bats' biological ability to detect cytosolic DNA in the body helps them respond to and fight "
             "against viruses."),
    Expected("fever-symmetric", {S: 354, R: 354}, 340, 708, True,
             "Daggering is associated with the genre of death metal ."),
    Expected("climate-fever", {S: 341, R: 126, NEI: 242}, 840, 1149, False,
             "Global warming is driving polar bears toward extinction"),
    Expected("wice", {S: 115, NEI: 234}, 349, 1466, True,
             "Arnold is currently the publisher and editorial director of Media Play News, one of five "
             "Hollywood trades and the only one dedicated to the home entertainment sector."),
    Expected("quantemp", {S: 313, R: 892}, 4088, 0, False,
             "A gun-toting Australian granny blew the testicles off the two men who raped her "
             "granddaughter."),
    Expected("findver", {S: 166, R: 165}, 45089, 921, True,
             "In 2023, Mills Music Trust received $1,237,548 from EMI, distributed $830,151 to Unit Holders, "
             "and had four calendar quarters with reported deficiencies in Contingent Portion payments."),
    Expected("scitab", {S: 228, R: 186, NEI: 167}, 181, 581, False,
             "The models using BoC outperform models using BoW as well as ASM features."),
    Expected("healthver", {S: 533, R: 391, NEI: 993}, 475, 1917, False,
             "The CORONAVIRUS is not of natural origin"),
    Expected("citation-integrity", {S: 191, R: 101, NEI: 24}, 3060, 292, False,
             "It has been proposed that COVID-19 leads to deterioration of hepatic function, leading to AD "
             "and ACLF in cirrhotic patients[<|multi_cit|>]."),
    Expected("covidfact", {S: 1296, R: 2790}, 1290, 10389, True,
             "Measuring sars-cov-2 neutralizing antibody activity using pseudotyped and chimeric viruses"),
]

_loaded: dict[tuple[str, str, Conflicting], Dataset] = {}


def load_shared(fmt: str, split: str = "dev", conflicting: Conflicting = Conflicting.DROP) -> Dataset:
    """Each real dataset is read once per test session."""
    key = (fmt, split, conflicting)
    if key not in _loaded:
        _loaded[key] = load_dataset(fmt, DATASETS / fmt, split=split, conflicting=conflicting)
    return _loaded[key]


def assert_consistent(dataset: Dataset) -> None:
    """Unique ids, and every gold quote is exactly the document text at its offsets."""
    documents = {document.doc_id: document for document in dataset.documents}
    assert len(documents) == len(dataset.documents)
    assert len({claim.id for claim in dataset.claims}) == len(dataset.claims)
    assert all(document.text.strip() for document in dataset.documents)
    for claim in dataset.claims:
        for item in claim.evidence:
            assert documents[item.doc_id].text[item.start:item.end] == item.quote, (claim.id, item)


def test_formats_cover_every_adapter() -> None:
    assert set(FORMATS) == {"native", *(expected.fmt for expected in EXPECTED)}


@needs_datasets
@pytest.mark.parametrize("expected", EXPECTED, ids=lambda expected: expected.fmt)
def test_real_dev_split(expected: Expected) -> None:
    dataset = load_shared(expected.fmt)

    assert dataset.name == expected.fmt
    assert Counter(claim.label for claim in dataset.claims) == expected.labels
    assert len(dataset.documents) == expected.documents
    assert sum(len(claim.evidence) for claim in dataset.claims) == expected.gold
    assert dataset.binary is expected.binary
    assert dataset.claims[0].claim == expected.first_claim
    assert dataset.label_note and "\n" not in dataset.label_note
    assert_consistent(dataset)


@needs_datasets
def test_check_covid_splits_and_tags() -> None:
    train, everything = load_shared("check-covid", "train"), load_shared("check-covid", "all")
    dev = load_shared("check-covid")

    assert len(train.claims) == 1068
    assert len(everything.claims) == 1068 + 207
    assert Counter(tag for claim in dev.claims for tag in claim.tags) == {"composed": 160, "extracted": 47}
    first = dev.claims[0]
    assert [item.doc_id for item in first.evidence] == ["asnvwu1u"]  # PRIMARY sentence 3 only
    assert_consistent(everything)


@needs_datasets
def test_conflicting_as_a_class() -> None:
    climate = load_shared("climate-fever", conflicting=Conflicting.CLASS)
    quantemp = load_shared("quantemp", conflicting=Conflicting.CLASS)

    assert Counter(claim.label for claim in climate.claims)[C] == 76
    assert len(climate.claims) == 785
    assert Counter(claim.label for claim in quantemp.claims)[C] == 357
    assert len(quantemp.claims) == 1562


@needs_datasets
def test_climate_fever_groups_sentences_by_article() -> None:
    dataset = load_shared("climate-fever")
    documents = {document.doc_id: document for document in dataset.documents}
    first = dataset.claims[0]

    assert {item.doc_id for item in first.evidence} == {"Global warming", "Habitat destruction"}
    assert documents["Global warming"].title == "Global warming"
    assert "Environmental impacts include the extinction" in documents["Global warming"].text


@needs_datasets
def test_wice_keeps_original_label_and_page_title() -> None:
    dataset = load_shared("wice")
    tags = Counter(tag for claim in dataset.claims for tag in claim.tags)

    assert tags == {"wice:supported": 115, "wice:partially_supported": 191, "wice:not_supported": 43}
    assert dataset.documents[0].doc_id == "wice:dev02986"
    assert dataset.documents[0].title == "About Us – Media Play News"
    assert dataset.claims[1].evidence == ()  # not_supported: no supporting sentences


@needs_datasets
def test_findver_skips_claims_whose_report_is_missing() -> None:
    dataset = load_shared("findver")

    assert len(dataset.skipped) == 3
    assert all("is not in reports.jsonl" in message for message in dataset.skipped)
    assert Counter(claim.tags for claim in dataset.claims) == {("numeric",): 117, ("ie",): 112,
                                                              ("knowledge",): 102}
    assert [item.doc_id for item in dataset.claims[0].evidence] == [
        "MMTRS-2024-04-01_10-K#16", "MMTRS-2024-04-01_10-K#25", "MMTRS-2024-04-01_10-K#29"]
    source = dataset.claims[0].source  # every paragraph of its report, and only those
    assert {item.doc_id for item in dataset.claims[0].evidence} < source
    assert {doc_id.split("#")[0] for doc_id in source} == {"MMTRS-2024-04-01_10-K"}
    assert len(source) == sum(document.doc_id.startswith("MMTRS-2024-04-01_10-K#") for document in dataset.documents)


@needs_datasets
def test_scitab_linearises_the_table() -> None:
    dataset = load_shared("scitab")
    table = dataset.documents[0]

    assert table.doc_id == "042a154a-add4-4bcb-be23-541a760b2e1c"
    assert table.text.splitlines()[:2] == [
        "Table 1: Performance of supervised learning models with different features.",
        "Feature | LR P | LR R | LR F1 | SVM P | SVM R | SVM F1 | ANN P | ANN R | ANN F1",
    ]
    assert sum("~" in document.doc_id for document in dataset.documents) == 2  # table ids reused in the data


@needs_datasets
def test_citation_integrity_ids_are_unique_across_splits() -> None:
    dataset = load_shared("citation-integrity", "all")

    assert len(dataset.claims) == 2138 + 316
    assert dataset.claims[-1].id.startswith("dev-")
    assert_consistent(dataset)


@needs_datasets
def test_single_file_sets_reject_other_splits() -> None:
    with pytest.raises(DatasetFormatError, match="single split"):
        load_dataset("wice", DATASETS / "wice", split="train")
    assert len(load_shared("wice", "all").claims) == 349


@needs_datasets
def test_real_dataset_survives_a_native_round_trip(tmp_path: Path) -> None:
    dataset = load_shared("check-covid")
    claims_path, corpus_path = write_native(dataset, tmp_path)

    again = load_dataset("native", claims_path, corpus=corpus_path)

    assert again.claims == dataset.claims
    assert [(d.doc_id, d.text, d.title) for d in again.documents] == [
        (d.doc_id, d.text, d.title) for d in dataset.documents]


def test_malformed_row_in_a_public_format_names_its_line(tmp_path: Path) -> None:
    rows = [{"id": "1", "claim": "A.", "evidence": "a", "label": "SUPPORTS"},
            {"id": "2", "claim": "B.", "evidence": "b", "label": "MAYBE"}]
    path = tmp_path / "fever_symmetric_dev.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")

    expected = r"fever_symmetric_dev\.jsonl, line 2: unknown label 'MAYBE'"
    with pytest.raises(DatasetFormatError, match=expected):
        load_dataset("fever-symmetric", tmp_path)
    skipped = load_dataset("fever-symmetric", tmp_path, on_error=OnError.SKIP)
    assert [claim.id for claim in skipped.claims] == ["1"]
    assert len(skipped.skipped) == 1


# --- native format -----------------------------------------------------------------------------------

DOCUMENTS = [
    Document("d1", "The Eiffel Tower is 330 metres tall. It opened in 1889.", title="Tower", url="https://x/1"),
    Document("d2", "Paris is the capital of France.", date="2024-01-02"),
]


def small_dataset() -> Dataset:
    claims = [
        LabelledClaim("c1", "The Eiffel Tower opened in 1889.", S,
                      (GoldEvidence("d1", 37, 55, "It opened in 1889."),),
                      tags=("history",), date="2020-05-01"),
        LabelledClaim("c2", "Paris is in Spain.", R, (GoldEvidence("d2", 0, 31, DOCUMENTS[1].text),)),
        LabelledClaim("c3", "Paris has 3 million people.", NEI),
        LabelledClaim("c4", "The tower is about 300 metres.", C),
    ]
    return Dataset("small", claims, list(DOCUMENTS), binary=False, label_note="test")


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_native_round_trip(tmp_path: Path) -> None:
    dataset = small_dataset()
    claims_path, corpus_path = write_native(dataset, tmp_path / "out")

    again = load_dataset("native", claims_path, corpus=corpus_path, conflicting=Conflicting.CLASS)

    assert (claims_path.name, corpus_path.name) == ("claims.jsonl", "corpus.jsonl")
    assert again.claims == dataset.claims
    assert [(d.doc_id, d.text, d.title, d.url, d.date) for d in again.documents] == [
        (d.doc_id, d.text, d.title, d.url, d.date) for d in DOCUMENTS]
    assert again.name == "out"
    assert_consistent(again)


def test_native_folder_finds_its_corpus_and_drops_conflicting(tmp_path: Path) -> None:
    write_native(small_dataset(), tmp_path)

    again = load_dataset("native", tmp_path)

    assert [claim.id for claim in again.claims] == ["c1", "c2", "c3"]
    assert len(again.documents) == 2
    assert again.binary is False


def test_native_quote_only_evidence_gets_offsets_from_the_corpus(tmp_path: Path) -> None:
    corpus = write_lines(tmp_path / "docs.jsonl", [json.dumps({"id": "d1", "text": DOCUMENTS[0].text})])
    claims = write_lines(tmp_path / "claims.jsonl", [json.dumps(
        {"id": "c1", "claim": "Opened 1889.", "label": "supports",
         "evidence": [{"doc_id": "d1", "quote": "It opened in 1889."}]})])

    with_corpus = load_dataset("native", claims, corpus=corpus)
    without_corpus = load_dataset("native", claims)

    assert with_corpus.claims[0].evidence == (GoldEvidence("d1", 37, 55, "It opened in 1889."),)
    assert with_corpus.claims[0].label is S
    assert without_corpus.claims[0].evidence == (GoldEvidence("d1", -1, -1, "It opened in 1889."),)
    assert without_corpus.documents == []
    assert without_corpus.binary is True


def test_native_bad_json_line_names_file_and_line(tmp_path: Path) -> None:
    claims = write_lines(tmp_path / "claims.jsonl", [
        json.dumps({"id": "c1", "claim": "A.", "label": "SUPPORTED"}),
        '{"id": "c2", "claim": "B.", "label": ',
        json.dumps({"id": "c3", "claim": "C.", "label": "REFUTED"}),
    ])

    with pytest.raises(DatasetFormatError, match=r"claims\.jsonl, line 2: invalid JSON"):
        load_dataset("native", claims)


def test_native_skip_mode_records_the_bad_line(tmp_path: Path) -> None:
    claims = write_lines(tmp_path / "claims.jsonl", [
        json.dumps({"id": "c1", "claim": "A.", "label": "SUPPORTED"}),
        "not json",
        json.dumps({"id": "c3", "claim": "C.", "label": "REFUTED"}),
    ])

    dataset = load_dataset("native", claims, on_error=OnError.SKIP)

    assert [claim.id for claim in dataset.claims] == ["c1", "c3"]
    assert len(dataset.skipped) == 1
    assert "claims.jsonl, line 2" in dataset.skipped[0]


@pytest.mark.parametrize(("row", "problem"), [
    ({"id": "c1", "claim": "A.", "label": "PROBABLY"}, "unknown label 'PROBABLY'"),
    ({"id": "c1", "label": "SUPPORTED"}, "missing field 'claim'"),
    ({"id": "c1", "claim": "A.", "label": "SUPPORTED", "evidence": [{"doc_id": "nope", "quote": "x"}]},
     "not in the corpus"),
    ({"id": "c1", "claim": "A.", "label": "SUPPORTED", "evidence": [{"doc_id": "d1", "quote": "Rome"}]},
     "quote not found"),
    ({"id": "c1", "claim": "A.", "label": "SUPPORTED",
      "evidence": [{"doc_id": "d1", "quote": "The Eiffel", "start": 1, "end": 11}]}, "do not match"),
], ids=["unknown-label", "missing-field", "unknown-doc", "quote-not-found", "wrong-offsets"])
def test_native_bad_rows_are_errors(tmp_path: Path, row: dict[str, object], problem: str) -> None:
    corpus = write_lines(tmp_path / "corpus.jsonl", [json.dumps({"id": "d1", "text": DOCUMENTS[0].text})])
    claims = write_lines(tmp_path / "claims.jsonl", [json.dumps(row)])

    with pytest.raises(DatasetFormatError, match=problem) as raised:
        load_dataset("native", claims, corpus=corpus)
    assert "claims.jsonl, line 1" in str(raised.value)


def test_native_duplicate_ids_are_errors(tmp_path: Path) -> None:
    row = json.dumps({"id": "c1", "claim": "A.", "label": "SUPPORTED"})
    claims = write_lines(tmp_path / "claims.jsonl", [row, row])

    with pytest.raises(DatasetFormatError, match="line 2: duplicate claim id 'c1'"):
        load_dataset("native", claims)


def test_unknown_format_and_missing_path_are_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetFormatError, match="unknown dataset format"):
        load_dataset("fever-2", tmp_path)
    with pytest.raises(DatasetFormatError, match="no such file"):
        load_dataset("native", tmp_path / "absent.jsonl")
    with pytest.raises(DatasetFormatError, match=r"claims\.jsonl"):
        load_dataset("native", tmp_path)


def test_gold_label_parse_accepts_dataset_spellings() -> None:
    assert GoldLabel.parse("refutes") is R
    assert GoldLabel.parse("NEI") is NEI
    assert GoldLabel.parse("disputed") is C
    assert C.as_label() is None
    assert S.as_label() is not None and S.as_label().value == "SUPPORTED"
    with pytest.raises(ValueError, match="unknown label"):
        GoldLabel.parse("half true")
