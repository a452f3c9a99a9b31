"""Collections in PostgreSQL (`VERICLAIM_STORE=postgresql://…`, `pip install 'vericlaim[postgres]'`): the same
surface the server and the CLI use of `index.library.Library`, over one database that several processes share.

    vc_collections  name, embedding model, dimension, version (bumped by every committed change)
    vc_documents    collection, doc_id, title, url, date, source, sha256, text
    vc_sentences    collection, doc_id, start, end (offsets into the text), embedding vector(D) with an HNSW
                    index (cosine), tsv tsvector (English) with a GIN index, reading (the unit as models read
                    it, `index.structure`; NULL when that is its text)

An ingest or a delete is one transaction, under a per-collection advisory lock: a crash (kill -9 included)
leaves the collection as it was before or as it is after, never between. Sentences are split and embedded
exactly as for the FAISS files (index.structure: units embedded as read, the configured embedder); retrieval is
pgstore/search.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from index.library import NO_DOCUMENTS, FileProgress, read_files
from index.loaders import discover, file_size, read_documents
from index.store import validate_collection_name
from index.structure import Outline
from index.writer import ChangeSummary, Progress
from pgstore.view import PostgresView
from service.config import Settings
from service.domain import Document
from service.errors import (
    CollectionNotFoundError,
    ConfigError,
    DependencyUnavailableError,
    DocumentNotFoundError,
    ExtraNotInstalledError,
    InputError,
)
from service.ports import Embedder

_ENCODE_BATCH = 512
_WAIT_SECONDS = 10  # for a pooled connection, before the store counts as unavailable
_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS vc_collections (
    name text PRIMARY KEY, embedding_model text NOT NULL, dimension int NOT NULL, version bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS vc_documents (
    collection text NOT NULL REFERENCES vc_collections (name) ON DELETE CASCADE, doc_id text NOT NULL,
    title text, url text, date text, source text, sha256 text NOT NULL, text text NOT NULL,
    PRIMARY KEY (collection, doc_id));
CREATE INDEX IF NOT EXISTS vc_documents_sha ON vc_documents (collection, sha256);
CREATE TABLE IF NOT EXISTS vc_sentences (
    id bigserial PRIMARY KEY, collection text NOT NULL, doc_id text NOT NULL, start int NOT NULL, stop int NOT NULL,
    embedding vector({dimension}) NOT NULL, tsv tsvector NOT NULL,
    FOREIGN KEY (collection, doc_id) REFERENCES vc_documents (collection, doc_id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS vc_sentences_doc ON vc_sentences (collection, doc_id);
CREATE INDEX IF NOT EXISTS vc_sentences_hnsw ON vc_sentences USING hnsw (embedding vector_cosine_ops)
    WITH (m = 16, ef_construction = 64);
CREATE INDEX IF NOT EXISTS vc_sentences_tsv ON vc_sentences USING gin (tsv);
ALTER TABLE vc_sentences ADD COLUMN IF NOT EXISTS reading text;
"""


@dataclass(frozen=True)
class NamedCollection:
    name: str


class PostgresLibrary:
    def __init__(self, settings: Settings, embedder: Embedder, url: str) -> None:
        try:
            import psycopg
            import psycopg_pool  # noqa: F401
        except ImportError:
            raise ExtraNotInstalledError("VERICLAIM_STORE=postgresql://… needs pip install 'vericlaim[postgres]'") \
                from None
        import psycopg
        from pgvector.psycopg import register_vector
        from psycopg_pool import ConnectionPool

        self.settings = settings
        self.embedder = embedder
        self.url = url
        try:
            with psycopg.connect(url) as db:
                db.execute("SELECT pg_advisory_xact_lock(7315)")  # one schema creator at a time
                db.execute(_SCHEMA.format(dimension=embedder.dimension))
                column = db.execute("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'vc_sentences'::regclass "
                                    "AND attname = 'embedding'").fetchone()
        except psycopg.OperationalError as exc:
            raise DependencyUnavailableError(f"cannot reach the PostgreSQL store: {exc}".splitlines()[0]) from None
        stored = column[0] if column else None
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

    def store(self, collection: str | None = None) -> NamedCollection:
        return NamedCollection(validate_collection_name(collection or self.settings.collection))

    def collections(self) -> list[str]:
        with self.connect() as db:
            return [row[0] for row in db.execute("SELECT name FROM vc_collections ORDER BY name")]

    def snapshot(self, collection: str | None = None) -> PostgresView:
        name = self.store(collection).name
        with self.connect() as db:
            row = db.execute("SELECT version, embedding_model FROM vc_collections WHERE name = %s", (name,)).fetchone()
        if row is None:
            known = ", ".join(self.collections()) or "none yet"
            raise CollectionNotFoundError(f"no collection {name!r} (collections: {known}); adding documents "
                                          f"to a collection creates it")
        return PostgresView(self, name, int(row[0]))

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
        called after each embedded batch of sentences; raising from it rolls everything back."""
        ends = accumulate(len(document.text) for document in documents)
        total = sum(len(document.text) for document in documents)
        return self._ingest(zip(documents, ends, strict=True), total, collection, progress)

    def _ingest(self, tracked: Iterable[tuple[Document, int]], total: int, collection: str | None,
                progress: Progress | None, need_one: bool = False) -> ChangeSummary:
        """`tracked`: each document with the input position where it ends (characters or bytes)."""
        name = self.store(collection).name
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        duplicates: list[tuple[str, str]] = []
        rows = before = read = 0
        with self.connect() as db:
            self._lock(db, name)
            db.execute("INSERT INTO vc_collections (name, embedding_model, dimension) VALUES (%s, %s, %s) "
                       "ON CONFLICT (name) DO NOTHING", (name, self.embedder.name, self.embedder.dimension))
            model = db.execute("SELECT embedding_model FROM vc_collections WHERE name = %s", (name,)).fetchone()[0]
            if model != self.embedder.name:
                raise InputError(f"collection {name!r} was embedded with {model!r}, not the configured "
                                 f"{self.embedder.name!r}: `vericlaim reindex --collection {name}` re-embeds it")
            for document, end in tracked:
                read += 1
                stored = db.execute("SELECT sha256 FROM vc_documents WHERE collection = %s AND doc_id = %s",
                                    (name, document.doc_id)).fetchone()
                twin = None if stored and stored[0] == document.sha256 else db.execute(
                    "SELECT doc_id FROM vc_documents WHERE collection = %s AND sha256 = %s AND doc_id <> %s LIMIT 1",
                    (name, document.sha256, document.doc_id)).fetchone()
                if stored and stored[0] == document.sha256:
                    unchanged.append(document.doc_id)
                elif twin:
                    duplicates.append((document.doc_id, twin[0]))
                else:
                    db.execute("DELETE FROM vc_documents WHERE collection = %s AND doc_id = %s",
                               (name, document.doc_id))
                    (updated if stored else added).append(document.doc_id)
                    rows += self._insert(db, name, document, _reporter(progress, before, end, total))
                before = end
            if need_one and not read:
                raise InputError(NO_DOCUMENTS)  # rolls back: not even an empty collection is left
            if added or updated:
                db.execute("UPDATE vc_collections SET version = version + 1 WHERE name = %s", (name,))
        return ChangeSummary(added=tuple(added), updated=tuple(updated), unchanged=tuple(unchanged),
                             duplicates=tuple(duplicates), chunks=rows)

    def reindex(self, collection: str | None = None, progress: Progress | None = None) -> ChangeSummary:
        """Every document's sentences re-embedded with the configured embedder, in one transaction (readers see
        the old vectors until it commits); the collection then records the new model."""
        name = self.store(collection).name
        with self.connect() as db:
            self._lock(db, name)
            if db.execute("SELECT 1 FROM vc_collections WHERE name = %s", (name,)).fetchone() is None:
                known = ", ".join(self.collections()) or "none yet"
                raise CollectionNotFoundError(f"no collection {name!r} (collections: {known})")
            documents = [Document(doc_id=row[0], text=row[1], title=row[2], url=row[3], date=row[4], source=row[5])
                         for row in db.execute("SELECT doc_id, text, title, url, date, source FROM vc_documents "
                                               "WHERE collection = %s ORDER BY doc_id", (name,))]
            db.execute("DELETE FROM vc_documents WHERE collection = %s", (name,))
            db.execute("UPDATE vc_collections SET embedding_model = %s, dimension = %s, version = version + 1 "
                       "WHERE name = %s", (self.embedder.name, self.embedder.dimension, name))
            total, rows, before = sum(len(d.text) for d in documents), 0, 0
            for document in documents:
                rows += self._insert(db, name, document,
                                     _reporter(progress, before, before + len(document.text), total))
                before += len(document.text)
        return ChangeSummary(added=tuple(d.doc_id for d in documents), chunks=rows)

    def delete(self, doc_ids: Sequence[str], collection: str | None = None) -> ChangeSummary:
        name = self.store(collection).name
        with self.connect() as db:
            self._lock(db, name)
            found = {row[0] for row in db.execute("SELECT doc_id FROM vc_documents WHERE collection = %s AND "
                                                  "doc_id = ANY(%s)", (name, list(doc_ids)))}
            missing = [doc_id for doc_id in doc_ids if doc_id not in found]
            if missing:
                raise DocumentNotFoundError(f"no document with id {missing[0]!r} in collection {name!r}")
            db.execute("DELETE FROM vc_documents WHERE collection = %s AND doc_id = ANY(%s)", (name, list(doc_ids)))
            db.execute("UPDATE vc_collections SET version = version + 1 WHERE name = %s", (name,))
        return ChangeSummary(deleted=tuple(doc_ids))

    def _lock(self, db: Any, name: str) -> None:
        """Writers to one collection wait for each other, across processes (released at commit)."""
        db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"vericlaim:{name}",))

    def _insert(self, db: Any, name: str, document: Document, embedded: Callable[[int], object]) -> int:
        """The document and its sentences; `embedded(offset)` after each batch of sentences is embedded."""
        db.execute("INSERT INTO vc_documents (collection, doc_id, title, url, date, source, sha256, text) "
                   "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                   (name, document.doc_id, document.title, document.url, document.date, document.source,
                    document.sha256, document.text))
        outline = Outline.of(document.text)
        spans = [(start, end) for start, end in outline.spans() if document.text[start:end].strip()]
        for first in range(0, len(spans), _ENCODE_BATCH):
            batch = spans[first:first + _ENCODE_BATCH]
            readings = [outline.reading(start, end) for start, end in batch]  # embedded and searched as read
            vectors = self.embedder.encode(readings)
            with db.cursor().copy("COPY vc_sentences (collection, doc_id, start, stop, embedding, tsv, reading) "
                                  "FROM STDIN WITH (FORMAT text)") as copy:
                for (start, end), reading, vector in zip(batch, readings, vectors, strict=True):
                    more = None if reading == document.text[start:end] else reading
                    copy.write_row((name, document.doc_id, start, end, _vector_text(vector), "", more))
            embedded(batch[-1][1])
        db.execute("UPDATE vc_sentences SET tsv = to_tsvector('english', coalesce(reading, "
                   "substr(d.text, start + 1, stop - start))) "
                   "FROM vc_documents d WHERE vc_sentences.collection = %s AND vc_sentences.doc_id = %s AND "
                   "d.collection = vc_sentences.collection AND d.doc_id = vc_sentences.doc_id",
                   (name, document.doc_id))
        return len(spans)


def _reporter(progress: Progress | None, before: int, end: int, total: int) -> Callable[[int], None]:
    """`progress` at a character offset inside a document whose input runs from `before` to `end`."""

    def report(offset: int) -> None:
        if progress:
            progress(min(end, before + offset), total)

    return report


def _vector_text(vector: Any) -> str:
    return "[" + ",".join(f"{float(value):.8g}" for value in vector) + "]"
