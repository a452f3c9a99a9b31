"""The demo corpus in service/demo stays well formed: labels valid, every evidence quote verbatim."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.domain import Label

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[3] / "service" / "demo"
DOCS = CORPUS / "docs"


def _claims() -> list[dict[str, Any]]:
    lines = (CORPUS / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_line_is_a_well_formed_claim() -> None:
    for claim in _claims():
        assert set(claim) == {"id", "claim", "label", "evidence", "tags"}, claim
        assert claim["claim"].strip(), claim["id"]
        Label(claim["label"])  # raises ValueError for an unknown label
        assert isinstance(claim["tags"], list), claim["id"]


def test_ids_are_unique() -> None:
    ids = [claim["id"] for claim in _claims()]
    assert len(ids) == len(set(ids))


def test_all_three_labels_are_present() -> None:
    assert {Label(claim["label"]) for claim in _claims()} == set(Label)


def test_decidable_claims_have_evidence_and_nei_claims_none() -> None:
    for claim in _claims():
        has_evidence = bool(claim["evidence"])
        assert has_evidence == (claim["label"] != Label.NOT_ENOUGH_INFO.value), claim["id"]


def test_every_quote_occurs_verbatim_in_its_document() -> None:
    # The .html document is checked against its raw source, so quotes must be plain text without markup.
    for claim in _claims():
        for evidence in claim["evidence"]:
            path = DOCS / evidence["doc_id"]
            assert path.is_file(), f"{claim['id']}: no document {evidence['doc_id']}"
            assert evidence["quote"] in path.read_text(encoding="utf-8"), f"{claim['id']}: quote not found"


def test_document_formats_and_sizes() -> None:
    docs = sorted(DOCS.iterdir())
    assert [d.suffix for d in docs].count(".html") == 1
    assert {d.suffix for d in docs} <= {".md", ".txt", ".html"}
    assert 6 <= len(docs) <= 8
