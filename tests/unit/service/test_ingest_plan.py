"""The ingest plan on its own: what each write does, decided from what is stored and the upload, with no store."""

from __future__ import annotations

import pytest

from service.domain import ChangeSummary, Document
from service.errors import DocumentNotFoundError, InputError
from service.ingest_plan import IngestPlan, StoredRecord, StoredTable, Write, WriteKind, plan_ingest

pytestmark = pytest.mark.unit

ACME = Document("acme.txt", "Acme reported revenue of $6.4 billion.", title="Acme")
BANANA = Document("banana.md", "Bananas are yellow.")
COPY = Document("copy.txt", ACME.text)
NEW_ACME = Document("acme.txt", "Acme now reports $7.1 billion.")


def stored(*documents: Document) -> StoredTable:
    return StoredTable(StoredRecord.of(document) for document in documents)


def test_new_changed_retitled_and_unchanged_documents_each_get_their_write() -> None:
    retitled = Document(BANANA.doc_id, BANANA.text, title="Bananas", source="elsewhere")
    fresh = Document("new.txt", "A new document.")

    plan = plan_ingest(stored(ACME, BANANA, Document("same.txt", "Same.")),
                       [NEW_ACME, retitled, fresh, Document("same.txt", "Same.", source="moved")])

    assert plan.writes == (Write(NEW_ACME, WriteKind.REPLACE), Write(retitled, WriteKind.RESTAMP),
                           Write(fresh, WriteKind.ADD))
    assert plan.removed == {"acme.txt"}  # a restamp keeps its text and vectors
    assert plan.summary == ChangeSummary(added=("new.txt",), updated=("acme.txt", "banana.md"),
                                         unchanged=("same.txt",))


def test_a_duplicate_is_skipped_and_one_that_was_another_text_loses_it() -> None:
    plan = plan_ingest(stored(ACME, BANANA), [COPY, Document(BANANA.doc_id, ACME.text)])

    assert plan.writes == () and plan.removed == {"banana.md"}
    assert plan.summary == ChangeSummary(deleted=("banana.md",),
                                         duplicates=(("copy.txt", "acme.txt"), ("banana.md", "acme.txt")))


def test_a_text_whose_holder_changes_in_the_same_write_is_stored_once_after_all() -> None:
    later = Document("later.txt", ACME.text)

    skipped_first = plan_ingest(stored(ACME), [COPY, NEW_ACME])
    brought_after = plan_ingest(stored(ACME), [COPY, NEW_ACME, later])

    assert skipped_first.writes == (Write(NEW_ACME, WriteKind.REPLACE), Write(COPY, WriteKind.ADD))
    assert skipped_first.summary == ChangeSummary(added=("copy.txt",), updated=("acme.txt",))
    assert brought_after.writes == (Write(NEW_ACME, WriteKind.REPLACE), Write(later, WriteKind.ADD))
    assert brought_after.summary == ChangeSummary(added=("later.txt",), updated=("acme.txt",),
                                                  duplicates=(("copy.txt", "later.txt"),))


def test_the_same_id_twice_is_one_document_or_a_refused_write() -> None:
    assert plan_ingest(stored(), [ACME, ACME]).summary.added == ("acme.txt",)
    with pytest.raises(InputError, match="appears twice with different text"):
        plan_ingest(stored(), [ACME, NEW_ACME])
    with pytest.raises(InputError):
        plan_ingest(stored(ACME), [Document(ACME.doc_id, ACME.text, title="Acme Corp"), NEW_ACME])


def test_deletes_are_checked_first_and_counted_once() -> None:
    plan = plan_ingest(stored(ACME, BANANA), [], delete=["acme.txt", "acme.txt"])

    assert plan.summary.deleted == ("acme.txt",) and plan.removed == {"acme.txt"}
    with pytest.raises(DocumentNotFoundError, match="nope"):
        plan_ingest(stored(ACME), [], delete=["acme.txt", "nope"])


def test_a_deleted_holder_frees_its_text_within_the_write() -> None:
    plan = IngestPlan(stored(ACME))
    plan.delete(["acme.txt"])

    assert plan.admit(COPY) == Write(COPY, WriteKind.ADD)
    assert plan.finish()[1] == ChangeSummary(added=("copy.txt",), deleted=("acme.txt",))


def test_a_write_that_changes_nothing_says_so() -> None:
    plan = plan_ingest(stored(ACME), [ACME, COPY])

    assert plan.writes == () and plan.removed == frozenset() and not plan.summary.changed
