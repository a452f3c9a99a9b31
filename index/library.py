"""The collections under one data folder: open, ingest into, delete from, and list them.

Snapshots are cached per collection and reloaded when another process has committed a new generation
(CURRENT changed), so a running server sees documents ingested from the CLI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from index.ann import AnnParams
from index.loaders import discover, load_file
from index.store import ChangeSummary, CollectionStore, Progress, Snapshot, validate_collection_name
from service.config import Settings
from service.domain import Document
from service.errors import DocumentNotFoundError, InputError
from service.ports import Embedder

FileProgress = Callable[[str], None]


class Library:
    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self._snapshots: dict[str, tuple[str, Snapshot]] = {}
        self._lock = threading.Lock()

    def store(self, collection: str | None = None) -> CollectionStore:
        return CollectionStore(
            self.settings.collections_dir,
            validate_collection_name(self.settings.collection if collection is None else collection),
            embedding_model=self.embedder.name,
            chunking=self.settings.chunking.model_dump(),
            ann=AnnParams.from_settings(self.settings.retrieval),
        )

    def snapshot(self, collection: str | None = None) -> Snapshot:
        store = self.store(collection)
        pointer = store.folder / "CURRENT"
        marker = pointer.read_text(encoding="utf-8") if pointer.exists() else ""
        with self._lock:
            cached = self._snapshots.get(store.name)
            if cached and cached[0] == marker:
                return cached[1]
            snapshot = store.load(self.embedder.dimension)
            self._snapshots[store.name] = (marker, snapshot)
            return snapshot

    def collections(self) -> list[str]:
        root = self.settings.collections_dir
        return sorted(p.name for p in root.iterdir() if (p / "CURRENT").exists()) if root.is_dir() else []

    def read_files(self, paths: Sequence[Path], on_file: FileProgress | None = None) -> list[Document]:
        """Load every file first, so one bad file stops the ingest before anything is written."""
        documents: list[Document] = []
        for path, doc_id in discover(list(paths)):
            if on_file:
                on_file(doc_id)
            documents.extend(load_file(path, doc_id))
        if not documents:
            raise InputError("no supported documents found (.txt, .md, .html, .pdf, .jsonl)")
        return documents

    def ingest(
        self, documents: Sequence[Document], collection: str | None = None, progress: Progress | None = None
    ) -> ChangeSummary:
        summary, snapshot = self.store(collection).apply(self.embedder, add=documents, progress=progress)
        self._remember(collection, snapshot)
        return summary

    def delete(self, doc_ids: Sequence[str], collection: str | None = None) -> ChangeSummary:
        store = self.store(collection)
        if not (store.folder / "CURRENT").exists():
            raise DocumentNotFoundError(f"no document with id {doc_ids[0]!r}: collection {store.name!r} is empty")
        summary, snapshot = store.apply(self.embedder, delete=doc_ids)
        self._remember(collection, snapshot)
        return summary

    def _remember(self, collection: str | None, snapshot: Snapshot) -> None:
        store = self.store(collection)
        pointer = store.folder / "CURRENT"
        marker = pointer.read_text(encoding="utf-8") if pointer.exists() else ""
        with self._lock:
            self._snapshots[store.name] = (marker, snapshot)
