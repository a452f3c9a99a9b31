"""One write to a PostgreSQL collection, inside the caller's transaction: `service.ingest_plan` decides, this
persists. New and changed texts are split and embedded as for the FAISS files (index.structure: units embedded
as read) and written with the version the write will commit as; a version a write replaces (new text, a new
title, a deletion) moves to vc_retired first, so that views of older versions still read it (pgstore/view.py).
Replaced versions older than `keep_replaced_seconds` are dropped by the next write, which raises the
collection's horizon past them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from index.structure import Outline
from service.domain import ChangeSummary, Document
from service.ingest_plan import IngestPlan, StoredRecord, Write, WriteKind
from service.ports import Embedder

KEEP_REPLACED_SECONDS = 600.0  # how long a replaced version stays readable by views taken before it changed
_ENCODE_BATCH = 512
_RECORD = "doc_id, sha256, title, url, date"


class StoredRows:
    """`StoredDocuments` read from the collection's rows, inside the write's own transaction. That reads the
    collection as it was before the write: the plan asks about an id before any row of that id is written, and
    about a text before a new row holding it is written (a restamped row keeps its text); the rows it removed
    it leaves out itself."""

    def __init__(self, db: Any, collection: str) -> None:
        self._db = db
        self._collection = collection
        self._records: dict[str, StoredRecord | None] = {}

    def record(self, doc_id: str) -> StoredRecord | None:
        if doc_id not in self._records:
            row = self._db.execute(f"SELECT {_RECORD} FROM vc_documents WHERE collection = %s AND doc_id = %s",
                                   (self._collection, doc_id)).fetchone()
            self._records[doc_id] = StoredRecord(*row) if row else None
        return self._records[doc_id]

    def holding(self, sha256: str) -> Sequence[str]:
        rows = self._db.execute("SELECT doc_id FROM vc_documents WHERE collection = %s AND sha256 = %s "
                                'ORDER BY doc_id COLLATE "C"', (self._collection, sha256)).fetchall()
        return [row[0] for row in rows]


class PostgresWriter:
    """A write on top of the collection at `version` (read under the collection's lock): `delete`, `admit`
    each document, then `finish`."""

    def __init__(self, db: Any, collection: str, embedder: Embedder, version: int,
                 keep_replaced_seconds: float = KEEP_REPLACED_SECONDS) -> None:
        self.db = db
        self.collection = collection
        self.embedder = embedder
        self.version = version + 1  # what this write commits as
        self.keep_replaced_seconds = keep_replaced_seconds
        self.plan = IngestPlan(StoredRows(db, collection))
        self._retired: set[str] = set()

    def delete(self, doc_ids: Sequence[str]) -> None:
        self.plan.delete(doc_ids)

    def admit(self, document: Document, embedded: Callable[[int], object]) -> None:
        """The plan's decision on `document`, persisted; `embedded(offset)` after each batch of its sentences."""
        write = self.plan.admit(document)
        if write is not None:
            self._persist(write, embedded)

    def finish(self) -> ChangeSummary:
        """The duplicates settled, the removed versions retired, the version bumped when anything changed."""
        revived, summary = self.plan.finish()
        for write in revived:
            self._persist(write, lambda offset: None)
        for doc_id in sorted(self.plan.removed - self._retired):
            self._retire(doc_id, drop=True)
        if summary.changed:
            self._commit_version()
        chunks = self.db.execute("SELECT count(*) FROM vc_sentences WHERE collection = %s",
                                 (self.collection,)).fetchone()[0]
        return replace(summary, chunks=int(chunks))

    def _persist(self, write: Write, embedded: Callable[[int], object]) -> None:
        document = write.document
        if write.kind is WriteKind.RESTAMP:
            self._retire(document.doc_id, drop=False)
            self.db.execute("UPDATE vc_documents SET title = %s, url = %s, date = %s, source = %s, added = %s "
                            "WHERE collection = %s AND doc_id = %s",
                            (document.title, document.url, document.date, document.source, self.version,
                             self.collection, document.doc_id))
            return
        if document.doc_id in self.plan.removed and document.doc_id not in self._retired:
            self._retire(document.doc_id, drop=True)
        insert_document(self.db, self.collection, document, self.embedder, self.version, embedded)

    def _retire(self, doc_id: str, *, drop: bool) -> None:
        """The stored version of `doc_id` kept in vc_retired for older views; `drop`: and removed with its
        sentences."""
        self._retired.add(doc_id)
        where = (self.collection, doc_id)
        self.db.execute("INSERT INTO vc_retired (collection, doc_id, added, retired, title, url, date, source, "
                        "sha256, text) SELECT collection, doc_id, added, %s, title, url, date, source, sha256, text "
                        "FROM vc_documents WHERE collection = %s AND doc_id = %s", (self.version, *where))
        if drop:
            self.db.execute("DELETE FROM vc_documents WHERE collection = %s AND doc_id = %s", where)

    def _commit_version(self) -> None:
        """The new version, and replaced versions past their keeping time dropped: views older than the newest
        of those are stale from now on (the horizon)."""
        self.db.execute(
            "WITH gone AS (DELETE FROM vc_retired WHERE collection = %(c)s AND retired_at < now() - "
            "make_interval(secs => %(keep)s) RETURNING retired) "
            "UPDATE vc_collections SET version = %(version)s, "
            "horizon = greatest(horizon, (SELECT max(retired) FROM gone)) WHERE name = %(c)s",
            {"c": self.collection, "keep": self.keep_replaced_seconds, "version": self.version})


def insert_document(db: Any, collection: str, document: Document, embedder: Embedder, added: int,
                    embedded: Callable[[int], object]) -> int:
    """The document (as written by version `added`) and its sentences; `embedded(offset)` after each batch of
    sentences is embedded. Returns the number of sentences."""
    db.execute("INSERT INTO vc_documents (collection, doc_id, title, url, date, source, sha256, text, added) "
               "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
               (collection, document.doc_id, document.title, document.url, document.date, document.source,
                document.sha256, document.text, added))
    outline = Outline.of(document.text)
    spans = [(start, end) for start, end in outline.spans() if document.text[start:end].strip()]
    for first in range(0, len(spans), _ENCODE_BATCH):
        batch = spans[first:first + _ENCODE_BATCH]
        readings = [outline.reading(start, end) for start, end in batch]  # embedded and searched as read
        vectors = embedder.encode(readings)
        with db.cursor().copy("COPY vc_sentences (collection, doc_id, start, stop, embedding, tsv, reading) "
                              "FROM STDIN WITH (FORMAT text)") as copy:
            for (start, end), reading, vector in zip(batch, readings, vectors, strict=True):
                more = None if reading == document.text[start:end] else reading
                copy.write_row((collection, document.doc_id, start, end, _vector_text(vector), "", more))
        embedded(batch[-1][1])
    db.execute("UPDATE vc_sentences SET tsv = to_tsvector('english', coalesce(reading, "
               "substr(d.text, start + 1, stop - start))) "
               "FROM vc_documents d WHERE vc_sentences.collection = %s AND vc_sentences.doc_id = %s AND "
               "d.collection = vc_sentences.collection AND d.doc_id = vc_sentences.doc_id",
               (collection, document.doc_id))
    return len(spans)


def _vector_text(vector: Any) -> str:
    return "[" + ",".join(f"{float(value):.8g}" for value in vector) + "]"
