"""Which collection a labelled set is checked against, and filling it: what `vericlaim eval run` and
`vericlaim calibrate` do before the first claim."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eval.adapters.gold import Dataset
from eval.trained_claims import without_trained_claims
from service.bootstrap import AnyLibrary


def dataset_collection(dataset: Dataset, collection: str | None, corpus: list[Path] | None) -> str | None:
    """The collection a labelled set is checked against: the one named, else its own when it brings a corpus."""
    if collection is None and (corpus or dataset.documents):
        return "eval-" + re.sub(r"[^A-Za-z0-9_-]+", "-", dataset.name)[:58]
    return collection


def ingest_dataset(library: AnyLibrary, dataset: Dataset, collection: str | None, corpus: list[Path] | None) -> None:
    """The user's corpus files and the set's own documents into `collection` (unchanged ones are skipped)."""
    if corpus:
        library.ingest_files(corpus, collection)
    if dataset.documents:
        library.ingest(dataset.documents, collection)


def claims_to_score(dataset: Dataset, split: str, verifier_metadata: Mapping[str, Any] | None,
                    include_trained: bool) -> tuple[Dataset, int]:
    """The set less the claims the verifier (its artifact's metadata) trained on, unless `include_trained`;
    and how many were left out."""
    if include_trained:
        return dataset, 0
    return without_trained_claims(dataset, split, verifier_metadata or {})
