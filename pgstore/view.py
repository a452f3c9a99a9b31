"""One version of a PostgreSQL collection as a check reads it (the `CollectionView` port): its documents as that
version held them, fetched when first asked for and kept for the life of the view, and citations checked
against them.

Rows are versioned (pgstore/schema.py): a document row records the version that wrote it, and a version that
a later write replaced or deleted is kept in vc_retired with the version that retired it. A view of version v
reads, in one statement, the rows with added ≤ v that were not retired by v: the text it was taken with, however
many writes came since. Replaced versions are kept for a while (pgstore/writer.py); a view older than the
collection's horizon can no longer be read whole and says so (`CollectionChangedError`) rather than serve
newer text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from service.domain import Citation, Document, Passage
from service.errors import CollectionChangedError

if TYPE_CHECKING:
    from pgstore.library import PostgresLibrary

_AT_VERSION = """
SELECT c.horizon, d.doc_id, d.text, d.title, d.url, d.date, d.source FROM vc_collections c LEFT JOIN (
    SELECT doc_id, text, title, url, date, source FROM vc_documents
    WHERE collection = %(collection)s AND added <= %(version)s {only}
    UNION ALL
    SELECT doc_id, text, title, url, date, source FROM vc_retired
    WHERE collection = %(collection)s AND added <= %(version)s AND retired > %(version)s {only}
) d ON true WHERE c.name = %(collection)s ORDER BY d.doc_id COLLATE "C"
"""


class _Documents(Mapping[str, Document]):
    def __init__(self, library: PostgresLibrary, collection: str, version: int) -> None:
        self._library = library
        self._collection = collection
        self._version = version
        self._cache: dict[str, Document | None] = {}
        self._all: list[str] | None = None

    def __getitem__(self, doc_id: str) -> Document:
        if doc_id not in self._cache:
            rows = self._read(doc_id)
            self._cache[doc_id] = Document(*rows[0]) if rows else None
        found = self._cache[doc_id]
        if found is None:
            raise KeyError(doc_id)
        return found

    def __iter__(self) -> Iterator[str]:
        if self._all is None:
            rows = self._read(None)
            self._cache.update((row[0], Document(*row)) for row in rows)
            self._all = [row[0] for row in rows]
        return iter(self._all)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _read(self, doc_id: str | None) -> list[Any]:
        """The rows of this version (one document's, or all), in id order; a version older than the horizon is
        `CollectionChangedError`."""
        query = _AT_VERSION.format(only="AND doc_id = %(doc_id)s" if doc_id is not None else "")
        with self._library.connect() as db:
            rows = db.execute(query, {"collection": self._collection, "version": self._version,
                                      "doc_id": doc_id}).fetchall()
        if rows and rows[0][0] > self._version:
            raise CollectionChangedError(
                f"collection {self._collection!r} has changed since version pg-{self._version} was read, and the "
                "store no longer keeps that version's text; check again")
        return [row[1:] for row in rows if row[1] is not None]


class PostgresView:
    def __init__(self, library: PostgresLibrary, collection: str, version: int) -> None:
        self.collection = collection
        self.number = version
        self._documents = _Documents(library, collection, version)

    @property
    def version(self) -> str:
        return f"pg-{self.number}"

    @property
    def documents(self) -> Mapping[str, Document]:
        return self._documents

    def cite(self, passage: Passage) -> Citation | None:
        document = self._documents.get(passage.doc_id)
        if document is None or document.text[passage.start:passage.end] != passage.text:
            return None
        return Citation(passage.doc_id, passage.start, passage.end, passage.text)
