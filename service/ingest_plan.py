"""What a write does to a collection, decided once for every store: the plan each `DocumentStore` only persists.

The rules (the contract suite, tests/contract/test_document_store.py, holds every store to them):

1. A document whose id is not stored is **added**.
2. One stored with the same text, title, url and date is **unchanged**: nothing is written (`source`, where it
   was read from, is not compared).
3. The same text with another title, url or date is **updated**: its record is rewritten (`RESTAMP`), its text
   and vectors stay.
4. Another text for a stored id is **updated**: the stored version, text and vectors, is dropped (`REPLACE`).
5. A document whose text (sha256) another document holds — stored and kept, or admitted earlier in the same
   write — is neither stored nor embedded: a **duplicate**, reported with the id that holds the text. If its
   own id held another text before, that old version is dropped and the id is also listed as **deleted**. If
   the holder loses the text later in the same write (its own text changes), the text is stored after all,
   once: under the next document that brings it, else under the first duplicate skipped (added, or updated).
   A duplicate is skipped, not aliased: deleting the holder later does not bring it back.
6. The same id twice in one write: with the same text the later one is ignored; with different texts the whole
   write is refused (`InputError`, 400 `bad_input`) and nothing is stored.
7. Deleting an id that is not stored is `DocumentNotFoundError` and nothing is deleted; a repeated id counts once.
8. A write that changes nothing (only unchanged documents and duplicates) writes nothing: the collection keeps
   its version.

Stores stream their input (an ingest need not fit in memory), so the plan is a fold: `IngestPlan.admit` decides
each document as it arrives and `finish` settles the duplicates; `plan_ingest` is the same fold over a whole
upload. The plan does no I/O: it reads the collection as it was before the write through `StoredDocuments`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from service.domain import ChangeSummary, Document
from service.errors import DocumentNotFoundError, InputError


@dataclass(frozen=True)
class StoredRecord:
    """What the plan knows of a stored document: its id, its text's sha256, and the fields a record carries."""

    doc_id: str
    sha256: str
    title: str | None = None
    url: str | None = None
    date: str | None = None

    @classmethod
    def of(cls, document: Document) -> StoredRecord:
        return cls(document.doc_id, document.sha256, document.title, document.url, document.date)

    def same_content(self, document: Document) -> bool:
        return (self.sha256, self.title, self.url, self.date) == (document.sha256, document.title, document.url,
                                                                 document.date)


class StoredDocuments(Protocol):
    """A collection as it was before the write, as the plan reads it."""

    def record(self, doc_id: str) -> StoredRecord | None: ...

    def holding(self, sha256: str) -> Sequence[str]:
        """The ids whose stored text has this sha256, in id order."""
        ...


class StoredTable:
    """`StoredDocuments` over records held in memory (the file store's loaded generation)."""

    def __init__(self, records: Iterable[StoredRecord]) -> None:
        self._records = {record.doc_id: record for record in records}
        self._holders: dict[str, list[str]] = {}
        for doc_id in sorted(self._records):
            self._holders.setdefault(self._records[doc_id].sha256, []).append(doc_id)

    def record(self, doc_id: str) -> StoredRecord | None:
        return self._records.get(doc_id)

    def holding(self, sha256: str) -> Sequence[str]:
        return self._holders.get(sha256, ())


class WriteKind(StrEnum):
    ADD = "add"  # a new id: store and embed it
    REPLACE = "replace"  # new text for a stored id: drop the stored version, store and embed this one
    RESTAMP = "restamp"  # the same text with a new title, url or date: rewrite the record, keep text and vectors


@dataclass(frozen=True)
class Write:
    document: Document
    kind: WriteKind


@dataclass(frozen=True)
class Plan:
    """A whole write: what to store, which stored versions leave, and the summary (`chunks` is the store's)."""

    writes: tuple[Write, ...]
    removed: frozenset[str]
    summary: ChangeSummary


class IngestPlan:
    """The rules above, applied to one write: `delete`, then `admit` each document, then `finish`."""

    def __init__(self, stored: StoredDocuments) -> None:
        self._stored = stored
        self._added: list[str] = []
        self._updated: list[str] = []
        self._unchanged: list[str] = []
        self._deleted: list[str] = []
        self._removed: set[str] = set()  # stored ids whose stored version (text and vectors) leaves
        self._seen: dict[str, str] = {}  # doc_id → text sha256 of every admitted document
        self._skipped: dict[str, Document] = {}  # duplicates, settled by `finish`
        self._holders: dict[str, list[str]] = {}  # text sha256 → the ids holding it after the changes so far

    @property
    def removed(self) -> frozenset[str]:
        return frozenset(self._removed)

    def delete(self, doc_ids: Iterable[str]) -> None:
        ids = list(dict.fromkeys(doc_ids))
        missing = [doc_id for doc_id in ids if doc_id in self._removed or self._stored.record(doc_id) is None]
        if missing:
            raise DocumentNotFoundError(f"no document with id {missing[0]!r} in this collection")
        for doc_id in ids:
            self._drop(doc_id)
            self._deleted.append(doc_id)

    def admit(self, document: Document) -> Write | None:
        """What to write for `document` now; None when nothing (unchanged, a repeat, or a duplicate that
        `finish` settles)."""
        doc_id, digest = document.doc_id, document.sha256
        if doc_id in self._seen:
            if self._seen[doc_id] != digest:
                raise InputError(f"document id {doc_id!r} appears twice with different text")
            return None
        self._seen[doc_id] = digest
        stored = None if doc_id in self._removed else self._stored.record(doc_id)
        if stored is not None and stored.sha256 == digest:
            if stored.same_content(document):
                self._unchanged.append(doc_id)
                return None
            self._updated.append(doc_id)
            return Write(document, WriteKind.RESTAMP)
        if stored is not None:
            self._drop(doc_id)
        holders = self._holders_of(digest)
        if holders:
            self._skipped[doc_id] = document
            return None
        holders.append(doc_id)
        (self._added if stored is None else self._updated).append(doc_id)
        return Write(document, WriteKind.ADD if stored is None else WriteKind.REPLACE)

    def finish(self) -> tuple[list[Write], ChangeSummary]:
        """The duplicates settled: those whose text no document holds any more are written after all (returned);
        and the write's summary."""
        duplicates: list[tuple[str, str]] = []
        revived: list[Write] = []
        for doc_id, document in self._skipped.items():
            holders = self._holders_of(document.sha256)
            replaced = doc_id in self._removed
            if holders:
                duplicates.append((doc_id, holders[0]))
                if replaced:
                    self._deleted.append(doc_id)
                continue
            holders.append(doc_id)
            (self._updated if replaced else self._added).append(doc_id)
            revived.append(Write(document, WriteKind.REPLACE if replaced else WriteKind.ADD))
        self._skipped.clear()
        return revived, ChangeSummary(tuple(self._added), tuple(self._updated), tuple(self._unchanged),
                                      tuple(self._deleted), tuple(duplicates))

    def _holders_of(self, digest: str) -> list[str]:
        if digest not in self._holders:
            self._holders[digest] = [i for i in self._stored.holding(digest) if i not in self._removed]
        return self._holders[digest]

    def _drop(self, doc_id: str) -> None:
        """The stored version of `doc_id` leaves the collection, and with it its hold on its text."""
        record = self._stored.record(doc_id)
        self._removed.add(doc_id)
        if record is not None and doc_id in self._holders.get(record.sha256, ()):
            self._holders[record.sha256].remove(doc_id)


def plan_ingest(stored: StoredDocuments, upload: Iterable[Document], delete: Iterable[str] = ()) -> Plan:
    """The plan of one whole write: `delete`, then `upload`, over the collection as `stored` holds it."""
    plan = IngestPlan(stored)
    plan.delete(delete)
    writes = [write for document in upload if (write := plan.admit(document)) is not None]
    revived, summary = plan.finish()
    return Plan(tuple(writes + revived), plan.removed, summary)
