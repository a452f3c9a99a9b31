"""The collections under one data folder: open, ingest into, delete from, and list them.

Snapshots are cached per collection and reloaded when another process has committed a new generation
(CURRENT changed), so a running server sees documents ingested from the CLI.

Ingest streams: documents are read and embedded in batches of `ingest_batch_chars` characters and committed
once at the end (index/writer.py), so one bad file still leaves the collection untouched.

What the library is handed, `FileStoreConfig`, service/bootstrap.py makes from the settings.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from index.ann import AnnParams
from index.loaders import discover, file_size, read_documents
from index.snapshot import Snapshot
from index.store import CollectionStore, validate_collection_name
from service.domain import ChangeSummary, Document
from service.errors import CollectionNotFoundError, DocumentNotFoundError, InputError
from service.ports import Embedder, FileProgress, Progress

NO_DOCUMENTS = "no supported documents found (.txt, .md, .html, .pdf, .jsonl)"


def read_files(paths: Sequence[Path], on_file: FileProgress | None = None) -> list[Document]:
    """Every document of the files, in memory (`ingest_files` streams them instead)."""
    documents = [document for document, _ in read_documents(discover(list(paths)), on_file)]
    if not documents:
        raise InputError(NO_DOCUMENTS)
    return documents


@dataclass(frozen=True)
class FileStoreConfig:
    """Where the collections are (one folder each), the one meant when none is named, how documents are chunked
    (recorded in each manifest), how the dense index is built, characters embedded per ingest batch, and the key
    that signs each collection's manifest (none: checksums only)."""

    collections_dir: Path
    collection: str
    chunking: Mapping[str, int]  # max_chars, overlap_sentences
    ann: AnnParams
    ingest_batch_chars: int
    integrity_key: bytes | None = field(default=None, repr=False)


class Library:
    """The `DocumentStore` port over collection folders under `config.collections_dir`."""

    def __init__(self, config: FileStoreConfig, embedder: Embedder) -> None:
        self.config = config
        self.embedder = embedder
        self._snapshots: dict[str, tuple[str, Snapshot]] = {}
        self._lock = threading.Lock()

    def collection_name(self, collection: str | None = None) -> str:
        return validate_collection_name(self.config.collection if collection is None else collection)

    def store(self, collection: str | None = None) -> CollectionStore:
        config = self.config
        return CollectionStore(config.collections_dir, self.collection_name(collection),
                               embedding_model=self.embedder.name, chunking=dict(config.chunking), ann=config.ann,
                               integrity_key=config.integrity_key)

    def snapshot(self, collection: str | None = None) -> Snapshot:
        """The collection's current snapshot; `CollectionNotFoundError` when nothing was ever added to it (a
        misspelled name must not read as "no evidence")."""
        store = self.store(collection)
        pointer = store.folder / "CURRENT"
        if not pointer.exists():
            if store.generations():
                store.load(self.embedder.dimension)  # generations without a pointer: IndexCorruptError, say how
            known = ", ".join(self.collections()) or "none yet"
            raise CollectionNotFoundError(f"no collection {store.name!r} (collections: {known}); adding documents "
                                          f"to a collection creates it")
        marker = pointer.read_text(encoding="utf-8")
        with self._lock:
            cached = self._snapshots.get(store.name)
            if cached and cached[0] == marker:
                return cached[1]
            snapshot = store.load(self.embedder.dimension)
            self._snapshots[store.name] = (marker, snapshot)
            return snapshot

    def collections(self) -> list[str]:
        root = self.config.collections_dir
        if not root.is_dir():
            return []
        # a collection whose pointer is missing is still one (readiness reports it as corrupt)
        return sorted(p.name for p in root.iterdir()
                      if (p / "CURRENT").exists() or any(g.is_dir() for g in p.glob("gen-[0-9]*")))

    def read_files(self, paths: Sequence[Path], on_file: FileProgress | None = None) -> list[Document]:
        return read_files(paths, on_file)

    def ingest(
        self, documents: Sequence[Document], collection: str | None = None, progress: Progress | None = None
    ) -> ChangeSummary:
        """Add or update documents, embedded batch by batch, one commit. `progress` counts characters."""
        positions = accumulate(len(document.text) for document in documents)
        total = sum(len(document.text) for document in documents)
        return self._ingest(zip(documents, positions, strict=True), total, collection, progress)[0]

    def ingest_files(
        self,
        paths: Sequence[Path],
        collection: str | None = None,
        on_file: FileProgress | None = None,
        progress: Progress | None = None,
    ) -> ChangeSummary:
        """Read and ingest files as a stream: only one batch of raw text is in memory at a time. Every path
        is checked before anything is read; an unreadable file stops the ingest before the commit.
        `progress` counts bytes of input."""
        files = discover(list(paths))
        if not files:
            raise InputError(NO_DOCUMENTS)
        total = sum(file_size(path) for path, _ in files)
        summary, documents = self._ingest(read_documents(files, on_file), total, collection, progress)
        if not documents:
            raise InputError(NO_DOCUMENTS)
        return summary

    def _ingest(
        self, tracked: Iterable[tuple[Document, int]], total: int, collection: str | None, progress: Progress | None
    ) -> tuple[ChangeSummary, int]:
        """The summary, and how many documents were read."""
        batches = _Batches(tracked, self.config.ingest_batch_chars, total, progress)
        summary, snapshot = self.store(collection).apply_batches(self.embedder, batches, progress=batches.embedded)
        self._remember(collection, snapshot)
        return summary, batches.documents

    def reindex(self, collection: str | None = None, progress: Progress | None = None) -> ChangeSummary:
        """Re-embed every document of the collection with the configured embedder (`CollectionStore.reindex`)."""
        store = self.store(collection)
        if not (store.folder / "CURRENT").exists() and not store.generations():
            known = ", ".join(self.collections()) or "none yet"
            raise CollectionNotFoundError(f"no collection {store.name!r} (collections: {known})")
        summary, snapshot = store.reindex(self.embedder, progress)
        self._remember(collection, snapshot)
        return summary

    def delete(self, doc_ids: Sequence[str], collection: str | None = None) -> ChangeSummary:
        if not doc_ids:
            raise InputError("name at least one document id to delete")
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


class _Batches:
    """Documents grouped into batches of at least `limit` characters (the last may be smaller), reporting
    `progress(done, total)` in the input's own units (characters or bytes) as each batch is embedded."""

    def __init__(
        self, tracked: Iterable[tuple[Document, int]], limit: int, total: int, progress: Progress | None
    ) -> None:
        self._tracked = tracked
        self._limit = limit
        self._total = total
        self._progress = progress
        self._span = (0, 0)  # input positions before and after the batch being embedded
        self.documents = 0

    def __iter__(self) -> Iterator[list[Document]]:
        batch: list[Document] = []
        chars = start = end = 0
        for document, end in self._tracked:
            batch.append(document)
            chars += len(document.text)
            self.documents += 1
            if chars >= self._limit:
                yield from self._emit(batch, start, end)
                batch, chars, start = [], 0, end
        if batch:
            yield from self._emit(batch, start, end)

    def embedded(self, done: int, total: int) -> None:
        """The store's progress inside the current batch (sentences), as a position in the input."""
        start, end = self._span
        self._report(start + (end - start) * done // max(total, 1))

    def _emit(self, batch: list[Document], start: int, end: int) -> Iterator[list[Document]]:
        """Hand the batch to the store; once it comes back for the next one, the batch is embedded."""
        self._span = (start, end)
        yield batch
        self._report(end)

    def _report(self, position: int) -> None:
        if self._progress:
            self._progress(position, self._total)
