"""Pending changes: exact duplicates are stored once, named in the summary, and never lose a text."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.library import Library
from service.domain import Document
from service.errors import InputError
from tests.unit.index.test_store import ACME, BANANA, collection_folder, library_at, listing

pytestmark = pytest.mark.unit

COPY = Document("mirror/acme-copy.txt", ACME.text, title="a copy")


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = library_at(tmp_path)
    lib.ingest([ACME, BANANA])
    return lib


def stored_ids(library: Library) -> set[str]:
    snapshot = library.snapshot()
    assert {chunk.doc_id for chunk in snapshot.chunks} == set(snapshot.documents)
    return set(snapshot.documents)


def test_a_duplicate_in_the_same_ingest_is_stored_once(tmp_path: Path) -> None:
    lib = library_at(tmp_path)

    summary = lib.ingest([ACME, BANANA, COPY])

    assert summary.added == ("acme.txt", "fruit/banana.md")
    assert summary.duplicates == (("mirror/acme-copy.txt", "acme.txt"),)
    assert stored_ids(library_at(tmp_path)) == {"acme.txt", "fruit/banana.md"}


def test_a_duplicate_of_a_stored_document_writes_nothing(library: Library, tmp_path: Path) -> None:
    before, version = listing(collection_folder(tmp_path)), library.snapshot().version

    summary = library.ingest([COPY])

    assert summary.duplicates == (("mirror/acme-copy.txt", "acme.txt"),)
    assert not summary.changed
    assert summary.chunks == len(library.snapshot().chunks)
    assert listing(collection_folder(tmp_path)) == before
    assert library_at(tmp_path).snapshot().version == version


def test_reingesting_the_same_document_is_unchanged_not_a_duplicate(library: Library) -> None:
    summary = library.ingest([ACME])

    assert summary.unchanged == ("acme.txt",)
    assert summary.duplicates == ()


def test_deleting_the_kept_document_does_not_bring_the_duplicate_back(library: Library) -> None:
    library.ingest([COPY])

    library.delete(["acme.txt"])

    assert stored_ids(library) == {"fruit/banana.md"}
    assert library.ingest([COPY]).added == ("mirror/acme-copy.txt",)  # ingesting it again stores it


@pytest.mark.parametrize("copy_first", [True, False])
def test_when_the_kept_document_changes_in_the_same_ingest_the_duplicate_is_stored(
    library: Library, copy_first: bool
) -> None:
    changed = Document("acme.txt", "Acme now reports revenue of $7.1 billion.")

    summary = library.ingest([COPY, changed] if copy_first else [changed, COPY])

    assert summary.added == ("mirror/acme-copy.txt",)
    assert summary.updated == ("acme.txt",)
    assert summary.duplicates == ()
    snapshot = library.snapshot()
    assert snapshot.documents["mirror/acme-copy.txt"].text == ACME.text
    assert any("6.4 billion" in snapshot.chunk_text(i) for i, c in enumerate(snapshot.chunks)
               if c.doc_id == "mirror/acme-copy.txt")


def test_a_new_title_alone_is_an_update_not_a_duplicate(library: Library) -> None:
    summary = library.ingest([COPY, Document(ACME.doc_id, ACME.text, title="Acme Corp")])

    assert summary.updated == ("acme.txt",)
    assert summary.duplicates == (("mirror/acme-copy.txt", "acme.txt"),)
    assert library.snapshot().documents["acme.txt"].title == "Acme Corp"


def test_a_document_updated_to_another_ones_text_loses_its_old_version(library: Library) -> None:
    summary = library.ingest([Document("fruit/banana.md", ACME.text)])

    assert summary.duplicates == (("fruit/banana.md", "acme.txt"),)
    assert summary.deleted == ("fruit/banana.md",)
    assert stored_ids(library) == {"acme.txt"}


def test_the_same_id_twice_with_different_text_is_refused(library: Library, tmp_path: Path) -> None:
    before = listing(collection_folder(tmp_path))

    with pytest.raises(InputError, match="appears twice"):
        library.ingest([Document("new.txt", "One text."), Document("new.txt", "Another text.")])

    assert listing(collection_folder(tmp_path)) == before


def test_the_same_id_twice_with_the_same_text_is_stored_once(tmp_path: Path) -> None:
    summary = library_at(tmp_path).ingest([ACME, ACME])

    assert summary.added == ("acme.txt",)
    assert summary.duplicates == ()
