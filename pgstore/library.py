"""Collections in PostgreSQL (`VERICLAIM_STORE=postgresql://…`, `pip install 'vericlaim[postgres]'`): the
`DocumentStore` port over one database that several processes share. The tables are pgstore/schema.py's.

An ingest or a delete is one transaction, under a per-collection advisory lock: a crash (kill -9 included)
leaves the collection as it was before or as it is after, never between. What a write does is
`service.ingest_plan`'s call, as for the FAISS files; pgstore/writer.py persists it. Retrieval is
pgstore/search.py; a view (pgstore/view.py) reads one version of a collection for its whole life. What the
library is handed, `PostgresConfig`, service/bootstrap.py makes from the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from index.library import NO_DOCUMENTS, read_files
from index.loaders import discover, file_size, read_documents
from index.store import validate_collection_name
from pgstore.schema import create_schema
from pgstore.view import PostgresView
from pgstore.writer import KEEP_REPLACED_SECONDS, PostgresWriter, insert_document
from service.domain import ChangeSummary, Document
from service.errors import (
    CollectionNotFoundError,
    ConfigError,
    DependencyUnavailableError,
    DocumentNotFoundError,
    ExtraNotInstalledError,
    InputError,
)
from service.ports import Embedder, FileProgress, Progress

_WAIT_SECONDS = 10  # for a pooled connection, before the store counts as unavailable


@dataclass(frozen=True)
class PostgresConfig:
    """The database, the collection meant when none is named, and the HNSW index's degree and build-time width
    (used when the table is created: pgstore/schema.py)."""

    url: str = field(repr=False)  # may hold a password
    collection: str
    hnsw_m: int
    hnsw_ef_construction: int


class PostgresLibrary:
    """The `DocumentStore` port over PostgreSQL + pgvector. `keep_replaced_seconds`: how long a version that a
    write replaced stays readable by views taken before (pgstore/writer.py)."""

    def __init__(self, config: PostgresConfig, embedder: Embedder, *,
                 keep_replaced_seconds: float = KEEP_REPLACED_SECONDS) -> None:
        try:
            import psycopg
            import psycopg_pool  # noqa: F401
        except ImportError:
            raise ExtraNotInstalledError("VERICLAIM_STORE=postgresql://… needs pip install 'vericlaim[postgres]'") \
                from None
        import psycopg
        from pgvector.psycopg import register_vector
        from psycopg_pool import ConnectionPool

        self.config = config
        self.embedder = embedder
        self.keep_replaced_seconds = keep_replaced_seconds
        url = config.url
        try:
            with psycopg.connect(url) as db:
                stored = create_schema(db, embedder.dimension, config.hnsw_m, config.hnsw_ef_construction)
        except psycopg.OperationalError as exc:
            raise DependencyUnavailableError(f"cannot reach the PostgreSQL store: {exc}".splitlines()[0]) from None
        if stored != embedder.dimension:  # the table's vectors have one size, set when it was created
            raise ConfigError(f"the PostgreSQL store holds {stored}-dimension vectors; {embedder.name} "
                              f"makes {embedder.dimension} (use another database for this model)")
        # a few open connections, each knowing pgvector's type, shared by the threads that check and ingest
        self._pool = ConnectionPool(url, min_size=1, max_size=4, configure=register_vector, open=True,
                                    kwargs={"autocommit": False})

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """One pooled connection and one transaction: committed when the block ends, rolled back if it
        raises. A database that cannot be reached is `DependencyUnavailableError` (HTTP 503); text PostgreSQL
        cannot hold (a NUL character) is `InputError`."""
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._pool.connection(timeout=_WAIT_SECONDS) as db:
                yield db
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise DependencyUnavailableError(f"the PostgreSQL store is unavailable: {str(exc).splitlines()[0]}") \
                from None
        except psycopg.DataError as exc:
            raise InputError(f"PostgreSQL cannot store this: {str(exc).splitlines()[0]}") from None

    def close(self) -> None:
        self._pool.close()

    def collection_name(self, collection: str | None = None) -> str:
        return validate_collection_name(self.config.collection if collection is None else collection)

    def collections(self) -> list[str]:
        with self.connect() as db:
            return [row[0] for row in db.execute('SELECT name FROM vc_collections ORDER BY name COLLATE "C"')]

    def snapshot(self, collection: str | None = None) -> PostgresView:
        name = self.collection_name(collection)
        with self.connect() as db:
            view = self.view_in(db, name)
        if view is None:
            raise self.not_found(name)
        return view

    def view_in(self, db: Any, name: str) -> PostgresView | None:
        """The collection's current version as `db`'s transaction sees it; None when there is no such collection."""
        row = db.execute("SELECT version FROM vc_collections WHERE name = %s", (name,)).fetchone()
        return None if row is None else PostgresView(self, name, int(row[0]))

    def not_found(self, name: str) -> CollectionNotFoundError:
        known = ", ".join(self.collections()) or "none yet"
        return CollectionNotFoundError(f"no collection {name!r} (collections: {known}); adding documents "
                                       f"to a collection creates it")

    def read_files(self, paths: Sequence[Path], on_file: FileProgress | None = None) -> list[Document]:
        return read_files(paths, on_file)

    def ingest_files(self, paths: Sequence[Path], collection: str | None = None, on_file: FileProgress | None = None,
                     progress: Progress | None = None) -> ChangeSummary:
        """Read and ingest files as a stream, one document in memory at a time, in one transaction. `progress`
        counts bytes of input."""
        files = discover(list(paths))
        if not files:
            raise InputError(NO_DOCUMENTS)
        total = sum(file_size(path) for path, _ in files)
        return self._ingest(read_documents(files, on_file), total, collection, progress, need_one=True)

    def ingest(self, documents: Sequence[Document], collection: str | None = None,
               progress: Progress | None = None) -> ChangeSummary:
        """Adds or updates `documents` in one transaction. `progress(done, total)` counts characters and is
        called after each embedded batch of sentences and each document; raising from it rolls everything back."""
        ends = accumulate(len(document.text) for document in documents)
        total = sum(len(document.text) for document in documents)
        return self._ingest(zip(documents, ends, strict=True), total, collection, progress)

    def _ingest(self, tracked: Iterable[tuple[Document, int]], total: int, collection: str | None,
                progress: Progress | None, need_one: bool = False) -> ChangeSummary:
        """`tracked`: each document with the input position where it ends (characters or bytes)."""
        name = self.collection_name(collection)
        read = before = 0
        with self.connect() as db:
            writer = self._writer(db, name)
            for document, end in tracked:
                read += 1
                report = _reporter(progress, before, end, total)
                writer.admit(document, report)
                report(end - before)
                before = end
            if need_one and not read:
                raise InputError(NO_DOCUMENTS)  # rolls back: not even an empty collection is left
            summary = writer.finish()
            if not summary.changed:
                db.rollback()  # nothing to keep, not even a new collection's row
        return summary

    def _writer(self, db: Any, name: str) -> PostgresWriter:
        """A write to collection `name` (created when new), under its lock; another embedder's collection is
        refused."""
        self._lock(db, name)
        db.execute("INSERT INTO vc_collections (name, embedding_model, dimension) VALUES (%s, %s, %s) "
                   "ON CONFLICT (name) DO NOTHING", (name, self.embedder.name, self.embedder.dimension))
        model, version = db.execute("SELECT embedding_model, version FROM vc_collections WHERE name = %s",
                                    (name,)).fetchone()
        if model != self.embedder.name:
            raise InputError(f"collection {name!r} was embedded with {model!r}, not the configured "
                             f"{self.embedder.name!r}: `vericlaim reindex --collection {name}` re-embeds it")
        return PostgresWriter(db, name, self.embedder, int(version), self.keep_replaced_seconds)

    def reindex(self, collection: str | None = None, progress: Progress | None = None) -> ChangeSummary:
        """Every document's sentences re-embedded with the configured embedder, in one transaction (readers see
        the old vectors until it commits); the collection then records the new model. The texts are as they
        were, so each keeps the version that wrote it."""
        name = self.collection_name(collection)
        with self.connect() as db:
            self._lock(db, name)
            if db.execute("SELECT 1 FROM vc_collections WHERE name = %s", (name,)).fetchone() is None:
                raise self.not_found(name)
            rows = db.execute("SELECT doc_id, text, title, url, date, source, added FROM vc_documents "
                              'WHERE collection = %s ORDER BY doc_id COLLATE "C"', (name,)).fetchall()
            db.execute("DELETE FROM vc_documents WHERE collection = %s", (name,))
            db.execute("UPDATE vc_collections SET embedding_model = %s, dimension = %s, version = version + 1 "
                       "WHERE name = %s", (self.embedder.name, self.embedder.dimension, name))
            total, chunks, before = sum(len(row[1]) for row in rows), 0, 0
            for *fields, added in rows:
                document = Document(*fields)
                end = before + len(document.text)
                chunks += insert_document(db, name, document, self.embedder, added,
                                          _reporter(progress, before, end, total))
                before = end
        return ChangeSummary(added=tuple(row[0] for row in rows), chunks=chunks)

    def delete(self, doc_ids: Sequence[str], collection: str | None = None) -> ChangeSummary:
        if not doc_ids:
            raise InputError("name at least one document id to delete")
        name = self.collection_name(collection)
        with self.connect() as db:
            self._lock(db, name)
            row = db.execute("SELECT version FROM vc_collections WHERE name = %s", (name,)).fetchone()
            if row is None:
                raise DocumentNotFoundError(f"no document with id {doc_ids[0]!r}: collection {name!r} is empty")
            writer = PostgresWriter(db, name, self.embedder, int(row[0]), self.keep_replaced_seconds)
            writer.delete(doc_ids)
            return writer.finish()

    def _lock(self, db: Any, name: str) -> None:
        """Writers to one collection wait for each other, across processes (released at commit)."""
        db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"vericlaim:{name}",))


def _reporter(progress: Progress | None, before: int, end: int, total: int) -> Callable[[int], None]:
    """`progress` at a character offset inside a document whose input runs from `before` to `end`."""

    def report(offset: int) -> None:
        if progress:
            progress(min(end, before + offset), total)

    return report
