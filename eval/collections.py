"""Which collection a labelled set is checked against, and filling it: what `vericlaim eval run` and
`vericlaim calibrate` do before the first claim."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from eval.adapters.gold import Dataset, GoldEvidence
from eval.trained_claims import without_trained_claims
from service.errors import VericlaimError
from service.ports import DocumentStore


def dataset_collection(dataset: Dataset, collection: str | None, corpus: list[Path] | None) -> str | None:
    """The collection a labelled set is checked against: the one named, else its own when it brings a corpus."""
    if collection is None and (corpus or dataset.documents):
        return "eval-" + re.sub(r"[^A-Za-z0-9_-]+", "-", dataset.name)[:58]
    return collection


def ingest_dataset(library: DocumentStore, dataset: Dataset, collection: str | None, corpus: list[Path] | None) -> None:
    """The user's corpus files and the set's own documents into `collection` (unchanged ones are skipped)."""
    if corpus:
        library.ingest_files(corpus, collection)
    if dataset.documents:
        library.ingest(dataset.documents, collection)


def with_located_evidence(dataset: Dataset, library: DocumentStore, collection: str | None) -> Dataset:
    """The set with each gold quote that has no offsets (a native claim whose corpus came as files, `--corpus`)
    located in the stored text of its document (first occurrence), so that citation precision and gold-evidence
    recall can be scored; quotes not found keep -1:-1. Offsets already given are kept as they are."""
    if not any(item.start < 0 for claim in dataset.claims for item in claim.evidence):
        return dataset
    try:
        documents = library.snapshot(collection).documents
    except VericlaimError:
        return dataset

    def located(item: GoldEvidence) -> GoldEvidence:
        document = documents.get(item.doc_id)
        start = document.text.find(item.quote) if document is not None and item.start < 0 else -1
        return replace(item, start=start, end=start + len(item.quote)) if start >= 0 else item

    claims = [replace(claim, evidence=tuple(located(item) for item in claim.evidence)) for claim in dataset.claims]
    return replace(dataset, claims=claims)


def claims_to_score(dataset: Dataset, split: str, verifier_metadata: Mapping[str, Any] | None,
                    include_trained: bool) -> tuple[Dataset, int]:
    """The set less the claims the verifier (its artifact's metadata) trained on, unless `include_trained`;
    and how many were left out."""
    if include_trained:
        return dataset, 0
    return without_trained_claims(dataset, split, verifier_metadata or {})
