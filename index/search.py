"""The pipeline's `Retriever` (service/ports.py) over the library's stored collections: the collection's current
snapshot, searched by the hybrid retriever."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from index.dates import DateRange
from index.library import Library
from index.retriever import HybridRetriever
from index.snapshot import Snapshot
from service.domain import Passage


class CollectionSearch:
    def __init__(self, library: Library, retriever: HybridRetriever) -> None:
        self.library = library
        self.retriever = retriever

    def search(self, collection: str | None, text: str, k: int, *, doc_ids: Collection[str] | None = None,
               since: date | None = None, until: date | None = None) -> tuple[list[Passage], Snapshot]:
        snapshot = self.library.snapshot(collection)
        dates = DateRange.of(since, until)
        return self.retriever.search(snapshot, text, k, doc_ids, dates=dates), snapshot
