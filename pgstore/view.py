"""One version of a PostgreSQL collection as a check reads it (the `CollectionView` port): its documents,
fetched when first asked for and kept for the life of the view, and citations checked against them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from service.domain import Citation, Document, Passage

if TYPE_CHECKING:
    from pgstore.library import PostgresLibrary

_COLUMNS = "doc_id, text, title, url, date, source"


class _Documents(Mapping[str, Document]):
    def __init__(self, library: PostgresLibrary, collection: str) -> None:
        self._library = library
        self._collection = collection
        self._cache: dict[str, Document | None] = {}
        self._all: list[str] | None = None

    def __getitem__(self, doc_id: str) -> Document:
        if doc_id not in self._cache:
            with self._library.connect() as db:
                row = db.execute(f"SELECT {_COLUMNS} FROM vc_documents WHERE collection = %s AND doc_id = %s",
                                 (self._collection, doc_id)).fetchone()
            self._cache[doc_id] = Document(*row) if row else None
        found = self._cache[doc_id]
        if found is None:
            raise KeyError(doc_id)
        return found

    def __iter__(self) -> Iterator[str]:
        if self._all is None:
            with self._library.connect() as db:
                rows = db.execute(f"SELECT {_COLUMNS} FROM vc_documents WHERE collection = %s ORDER BY doc_id",
                                  (self._collection,)).fetchall()
            self._cache.update((row[0], Document(*row)) for row in rows)
            self._all = [row[0] for row in rows]
        return iter(self._all)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class PostgresView:
    def __init__(self, library: PostgresLibrary, collection: str, version: int) -> None:
        self.collection = collection
        self._version = version
        self._documents = _Documents(library, collection)

    @property
    def version(self) -> str:
        return f"pg-{self._version}"

    @property
    def documents(self) -> Mapping[str, Document]:
        return self._documents

    def cite(self, passage: Passage) -> Citation | None:
        document = self._documents.get(passage.doc_id)
        if document is None or document.text[passage.start:passage.end] != passage.text:
            return None
        return Citation(passage.doc_id, passage.start, passage.end, passage.text)
