"""The `DocumentStore` contract: every store gives the same answers to the same writes (the rules of
service/ingest_plan.py), lists the same documents, and reads one version per view. Each test runs once per store
in tests/contract/conftest.py's `STORES`; a new store passes this suite to be one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.domain import ChangeSummary, Citation, Document
from service.errors import (
    CollectionNotFoundError,
    DocumentNotFoundError,
    InputError,
    InvalidCollectionError,
)
from tests.contract.conftest import Store

ACME = Document("acme.txt", "Acme reported revenue of $6.4 billion in 2023. It employs 200,000 people.",
                title="Acme", source="test")
BANANA = Document("fruit/banana.md", "Bananas are yellow. They grow in bunches.", source="test")
COPY = Document("mirror/acme-copy.txt", ACME.text, title="a copy", source="test")
NEW_ACME = Document("acme.txt", "Acme now reports revenue of $7.1 billion. Headcount is unknown.", source="test")


def decisions(summary: ChangeSummary) -> tuple[Any, ...]:
    """A summary less its `chunks`, which counts each store's own retrieval units."""
    return summary.added, summary.updated, summary.unchanged, summary.deleted, summary.duplicates


def units(store: Store) -> int:
    """The retrieval units the default collection holds: what a write that changes nothing reports."""
    return store.library.ingest([]).chunks


@pytest.fixture
def stocked(store: Store) -> Store:
    store.library.ingest([ACME, BANANA])
    return store


# ---- adding, listing, unchanged ---------------------------------------------------------------------------

def test_added_documents_are_stored_as_given_and_listed_in_id_order(store: Store) -> None:
    summary = store.library.ingest([BANANA, ACME])

    assert decisions(summary) == (("fruit/banana.md", "acme.txt"), (), (), (), ())
    assert summary.changed and summary.chunks > 0
    view = store.library.snapshot()
    assert list(view.documents) == ["acme.txt", "fruit/banana.md"] and len(view.documents) == 2
    assert view.documents["acme.txt"] == ACME and view.documents["fruit/banana.md"] == BANANA
    assert store.library.collections() == ["default"] and store.library.collection_name() == "default"
    assert "Bananas are yellow." in store.found("yellow bananas")


def test_reingesting_unchanged_documents_writes_nothing(stocked: Store) -> None:
    version, chunks = stocked.version(), units(stocked)

    summary = stocked.library.ingest([ACME, BANANA])

    assert decisions(summary) == ((), (), ("acme.txt", "fruit/banana.md"), (), ()) and not summary.changed
    assert summary.chunks == chunks > 0
    assert stocked.version() == version


def test_another_source_alone_is_unchanged(stocked: Store) -> None:
    summary = stocked.library.ingest([Document(ACME.doc_id, ACME.text, title=ACME.title, source="elsewhere")])

    assert summary.unchanged == ("acme.txt",) and not summary.changed


# ---- updates -----------------------------------------------------------------------------------------------

def test_new_text_updates_the_document_and_its_old_text_is_no_longer_served(stocked: Store) -> None:
    version = stocked.version()

    summary = stocked.library.ingest([NEW_ACME])

    assert decisions(summary) == ((), ("acme.txt",), (), (), ())
    assert stocked.version() != version
    assert stocked.library.snapshot().documents["acme.txt"] == NEW_ACME
    found = stocked.found("Acme revenue billion")
    assert "Acme now reports revenue of $7.1 billion." in found
    assert not any("6.4" in text for text in found)


def test_a_new_title_alone_is_an_update_that_keeps_the_text(stocked: Store) -> None:
    version, chunks = stocked.version(), units(stocked)

    summary = stocked.library.ingest([Document(ACME.doc_id, ACME.text, title="Acme Corp", source="test")])

    assert decisions(summary) == ((), ("acme.txt",), (), (), ()) and summary.chunks == chunks
    assert stocked.version() != version
    assert stocked.listing() == [("acme.txt", "Acme Corp"), ("fruit/banana.md", None)]
    passages, _ = stocked.search("Acme revenue billion")
    assert any(p.doc_id == "acme.txt" and p.title == "Acme Corp" for p in passages)


@pytest.mark.parametrize("field", ["url", "date"])
def test_a_new_url_or_date_alone_is_an_update(stocked: Store, field: str) -> None:
    changed = Document(ACME.doc_id, ACME.text, title=ACME.title, source="test", **{field: "2024-01-02"})

    assert stocked.library.ingest([changed]).updated == ("acme.txt",)
    assert stocked.library.snapshot().documents["acme.txt"] == changed


# ---- one upload, the same id twice -------------------------------------------------------------------------

def test_the_same_id_twice_with_different_texts_is_refused_and_nothing_is_stored(stocked: Store) -> None:
    version, listing = stocked.version(), stocked.listing()

    with pytest.raises(InputError, match="appears twice") as refused:
        stocked.library.ingest([Document("new.txt", "A new document."), NEW_ACME,
                                Document("new.txt", "Another text.")])

    assert (refused.value.code, refused.value.http_status) == ("bad_input", 400)
    assert stocked.listing() == listing and stocked.version() == version
    assert stocked.library.snapshot().documents["acme.txt"] == ACME


def test_the_same_id_twice_with_the_same_text_is_stored_once(store: Store) -> None:
    summary = store.library.ingest([ACME, ACME])

    assert decisions(summary) == (("acme.txt",), (), (), (), ())
    assert store.listing() == [("acme.txt", "Acme")]


# ---- duplicates --------------------------------------------------------------------------------------------

def test_a_duplicate_of_a_stored_document_is_named_and_not_stored(stocked: Store) -> None:
    version, chunks = stocked.version(), units(stocked)

    summary = stocked.library.ingest([COPY])

    assert decisions(summary) == ((), (), (), (), (("mirror/acme-copy.txt", "acme.txt"),))
    assert not summary.changed and summary.chunks == chunks
    assert stocked.version() == version and "mirror/acme-copy.txt" not in stocked.library.snapshot().documents


def test_a_duplicate_within_one_upload_is_stored_once(store: Store) -> None:
    summary = store.library.ingest([ACME, BANANA, COPY])

    assert decisions(summary) == (("acme.txt", "fruit/banana.md"), (), (), (), (("mirror/acme-copy.txt", "acme.txt"),))
    assert [doc_id for doc_id, _ in store.listing()] == ["acme.txt", "fruit/banana.md"]


def test_a_document_whose_new_text_duplicates_anothers_loses_its_old_version(stocked: Store) -> None:
    version = stocked.version()

    summary = stocked.library.ingest([Document(BANANA.doc_id, ACME.text, source="test")])

    assert decisions(summary) == ((), (), (), ("fruit/banana.md",), (("fruit/banana.md", "acme.txt"),))
    assert stocked.version() != version
    assert stocked.listing() == [("acme.txt", "Acme")]
    assert "fruit/banana.md" not in stocked.library.snapshot().documents
    passages, _ = stocked.search("Bananas are yellow bunches")
    assert all(p.doc_id == "acme.txt" for p in passages)


@pytest.mark.parametrize("copy_first", [True, False])
def test_when_the_holder_changes_in_the_same_upload_the_duplicate_is_stored(stocked: Store, copy_first: bool) -> None:
    summary = stocked.library.ingest([COPY, NEW_ACME] if copy_first else [NEW_ACME, COPY])

    assert decisions(summary) == (("mirror/acme-copy.txt",), ("acme.txt",), (), (), ())
    documents = stocked.library.snapshot().documents
    assert documents["mirror/acme-copy.txt"] == COPY and documents["acme.txt"] == NEW_ACME
    passages, _ = stocked.search("Acme reported revenue 6.4 billion 2023")
    assert any(p.doc_id == "mirror/acme-copy.txt" and "6.4" in p.text for p in passages)


def test_deleting_the_holder_does_not_bring_the_duplicate_back(stocked: Store) -> None:
    stocked.library.ingest([COPY])

    stocked.library.delete(["acme.txt"])

    assert stocked.listing() == [("fruit/banana.md", None)]
    assert stocked.library.ingest([COPY]).added == ("mirror/acme-copy.txt",)  # ingesting it again stores it


# ---- deleting ----------------------------------------------------------------------------------------------

def test_delete_removes_the_document_and_its_passages(stocked: Store) -> None:
    version, chunks = stocked.version(), units(stocked)

    summary = stocked.library.delete(["acme.txt", "acme.txt"])

    assert decisions(summary) == ((), (), (), ("acme.txt",), ()) and 0 < summary.chunks < chunks
    assert stocked.version() != version and stocked.listing() == [("fruit/banana.md", None)]
    passages, _ = stocked.search("Acme revenue billion")
    assert all(p.doc_id == "fruit/banana.md" for p in passages)


def test_deleting_an_unknown_id_deletes_nothing(stocked: Store) -> None:
    version = stocked.version()

    with pytest.raises(DocumentNotFoundError, match=r"nope\.txt"):
        stocked.library.delete(["acme.txt", "nope.txt"])

    assert stocked.version() == version and [d for d, _ in stocked.listing()] == ["acme.txt", "fruit/banana.md"]


def test_deleting_from_a_collection_never_written_is_not_found(store: Store) -> None:
    with pytest.raises(DocumentNotFoundError):
        store.library.delete(["acme.txt"])
    assert store.library.collections() == []


def test_a_delete_naming_no_document_is_bad_input_whether_or_not_anything_is_stored(store: Store) -> None:
    with pytest.raises(InputError, match="at least one document id"):
        store.library.delete([])
    store.library.ingest([ACME])
    version = store.version()

    with pytest.raises(InputError, match="at least one document id"):
        store.library.delete([])

    assert store.version() == version


# ---- collections -------------------------------------------------------------------------------------------

def test_an_unknown_collection_is_not_found_when_read(stocked: Store) -> None:
    with pytest.raises(CollectionNotFoundError, match="collections: default"):
        stocked.library.snapshot("misspelled")
    with pytest.raises(CollectionNotFoundError):
        stocked.search("Acme", "misspelled")


@pytest.mark.parametrize("name", ["../x", "a/b", "", ".hidden", "a b", "x" * 65, "-dash", "abc\n"])
def test_an_invalid_collection_name_is_refused_before_anything_is_stored(store: Store, name: str) -> None:
    for call in (lambda: store.library.ingest([ACME], name), lambda: store.library.snapshot(name),
                 lambda: store.library.delete(["acme.txt"], name), lambda: store.library.collection_name(name)):
        with pytest.raises(InvalidCollectionError):
            call()
    assert store.library.collections() == []


def test_collections_are_independent(store: Store) -> None:
    store.library.ingest([ACME], "alpha")
    store.library.ingest([BANANA], "beta")
    beta = store.version("beta")

    store.library.delete(["acme.txt"], "alpha")

    assert store.library.collections() == ["alpha", "beta"]
    assert store.listing("alpha") == [] and store.listing("beta") == [("fruit/banana.md", None)]
    assert store.version("beta") == beta
    assert store.library.ingest([COPY], "beta").added == ("mirror/acme-copy.txt",)  # no duplicate across them
    with pytest.raises(CollectionNotFoundError, match="collections: alpha, beta"):
        store.library.snapshot()


def test_a_write_that_changes_nothing_leaves_no_collection_behind(store: Store) -> None:
    assert decisions(store.library.ingest([])) == ((), (), (), (), ())

    assert store.library.collections() == []
    with pytest.raises(CollectionNotFoundError):
        store.library.snapshot()


# ---- files, progress, reindex ------------------------------------------------------------------------------

def test_files_are_ingested_as_a_stream_and_a_corpus_without_documents_is_refused(store: Store,
                                                                                  tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.jsonl").write_text("".join(json.dumps({"id": d.doc_id, "text": d.text}) + "\n"
                                            for d in (ACME, BANANA)), encoding="utf-8")
    (folder / "notes.md").write_text("# Notes\n\nThe penguin exhibit opens in June.\n", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    files: list[str] = []

    summary = store.library.ingest_files([folder], on_file=files.append)

    assert summary.added == ("acme.txt", "fruit/banana.md", "notes.md") and files == ["a.jsonl", "notes.md"]
    with pytest.raises(InputError, match="no supported documents"):
        store.library.ingest_files([tmp_path / "empty.jsonl"], "other")
    assert store.library.collections() == ["default"]


def test_progress_reaches_the_total_and_raising_from_it_stops_the_write(stocked: Store) -> None:
    reports: list[tuple[int, int]] = []
    stocked.library.ingest([COPY, Document("new.txt", "A new document.\n\n")],
                           progress=lambda done, total: reports.append((done, total)))
    total = len(COPY.text) + len("A new document.\n\n")
    assert reports and reports[-1] == (total, total) and [d for d, _ in reports] == sorted(d for d, _ in reports)
    version = stocked.version()

    def stop(done: int, total: int) -> None:
        raise RuntimeError("the client went away")

    with pytest.raises(RuntimeError, match="went away"):
        stocked.library.ingest([NEW_ACME, Document("later.txt", "Another new document.")], progress=stop)

    assert stocked.version() == version and stocked.library.snapshot().documents["acme.txt"] == ACME
    assert "later.txt" not in stocked.library.snapshot().documents


def test_reindex_re_embeds_every_document_and_keeps_them(stocked: Store) -> None:
    version = stocked.version()

    summary = stocked.library.reindex()

    assert sorted(summary.added) == ["acme.txt", "fruit/banana.md"] and summary.chunks > 0
    assert stocked.version() != version
    assert stocked.library.snapshot().documents["acme.txt"] == ACME
    assert "Bananas are yellow." in stocked.found("yellow bananas")


# ---- views and citations -----------------------------------------------------------------------------------

def test_citations_quote_the_stored_text_at_its_offsets(stocked: Store) -> None:
    passages, view = stocked.search("Acme revenue billion")
    passage = next(p for p in passages if p.doc_id == "acme.txt")

    assert view.cite(passage) == Citation("acme.txt", passage.start, passage.end, passage.text)
    assert view.documents["acme.txt"].text[passage.start:passage.end] == passage.text
    assert view.cite(passage.__class__(**{**passage.__dict__, "text": passage.text + "!"})) is None
    assert view.cite(passage.__class__(**{**passage.__dict__, "doc_id": "nowhere.txt"})) is None
    assert view.version == stocked.version()


def test_a_view_reads_the_version_it_was_taken_at_whatever_is_written_after(stocked: Store) -> None:
    passages, view = stocked.search("Acme reported revenue 6.4 billion")
    old = next(p for p in passages if p.doc_id == "acme.txt" and "6.4" in p.text)
    untouched = stocked.library.snapshot()  # nothing read from it yet

    stocked.library.ingest([NEW_ACME, Document(BANANA.doc_id, BANANA.text, title="Bananas", source="test")])
    stocked.library.delete(["fruit/banana.md"])

    for taken in (view, untouched):
        assert taken.version != stocked.version()
        assert taken.cite(old) == Citation("acme.txt", old.start, old.end, old.text)
        assert taken.documents["acme.txt"] == ACME and taken.documents["fruit/banana.md"] == BANANA
        assert list(taken.documents) == ["acme.txt", "fruit/banana.md"]
    new, now = stocked.search("Acme now reports revenue 7.1 billion")
    assert now.cite(old) is None and untouched.cite(new[0]) is None
    assert list(now.documents) == ["acme.txt"]


# ---- the issue's write sequence, over HTTP -----------------------------------------------------------------

def test_the_issue_write_sequence_gets_the_same_answers_from_every_store(store: Store) -> None:
    """Issue 31: the same writes sent to a server over each store got different answers; the answers now are
    the plan's, whatever the store."""
    client = TestClient(create_app(store.components), base_url="http://localhost")
    twice = "".join(json.dumps({"id": "x.txt", "text": text}) + "\n" for text in ("One text.", "Another text."))
    writes: list[dict[str, Any]] = [
        {"json": {"doc_id": "acme.txt", "text": ACME.text, "title": "Acme"}},
        {"json": {"doc_id": "fruit/banana.md", "text": BANANA.text}},
        {"json": {"doc_id": "acme.txt", "text": ACME.text, "title": "Acme Corp"}},  # only the title changed
        {"files": {"file": ("twice.jsonl", twice.encode(), "application/jsonl")}},  # one id, two texts
        {"json": {"doc_id": "fruit/banana.md", "text": ACME.text}},  # now another document's text
    ]
    answers = []
    for write in writes:
        response = client.post("/v1/documents", **write)
        body = response.json()
        body.pop("chunks", None)
        listed = client.get("/v1/documents").json()["documents"]
        answers.append((response.status_code, body.get("error") or body, [(d["doc_id"], d["title"]) for d in listed]))

    def changed(**fields: Any) -> dict[str, Any]:
        return {"collection": "default", "added": [], "updated": [], "unchanged": [], "deleted": [],
                "duplicates": {}, **fields}

    both = [("acme.txt", "Acme"), ("fruit/banana.md", None)]
    retitled = [("acme.txt", "Acme Corp"), ("fruit/banana.md", None)]
    assert answers == [
        (200, changed(added=["acme.txt"]), [("acme.txt", "Acme")]),
        (200, changed(added=["fruit/banana.md"]), both),
        (200, changed(updated=["acme.txt"]), retitled),
        (400, "bad_input", retitled),
        (200, changed(deleted=["fruit/banana.md"], duplicates={"fruit/banana.md": "acme.txt"}),
         [("acme.txt", "Acme Corp")]),
    ]
