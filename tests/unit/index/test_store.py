"""The on-disk collection: atomic generations, change detection, verification at load, isolation."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

import index.generation
import index.store
from index.library import Library
from index.store import CollectionStore, validate_collection_name
from service.bootstrap import build
from service.config import Settings
from service.domain import Document
from service.errors import (
    CollectionNotFoundError,
    DocumentNotFoundError,
    IndexCorruptError,
    InvalidCollectionError,
    UnreadableDocumentError,
)
from service.fakes import HashingEmbedder, KeywordJudge
from service.ports import Embedder
from tests.unit.index.test_retriever import retriever_for

pytestmark = pytest.mark.unit

ACME = Document("acme.txt", "Acme reported revenue of $6.4 billion in 2023. It employs 200,000 people.",
                title="Acme")
BANANA = Document("fruit/banana.md", "Bananas are yellow. They grow in bunches.")


def library_at(home: Path, embedder: Embedder | None = None) -> Library:
    settings = Settings(home=home)
    return build(settings, embedder=embedder or HashingEmbedder(), judge=KeywordJudge()).library


def collection_folder(home: Path, name: str = "default") -> Path:
    return Settings(home=home).collections_dir / name


def current_generation(home: Path, name: str = "default") -> Path:
    folder = collection_folder(home, name)
    return folder / (folder / "CURRENT").read_text(encoding="utf-8").split()[0]


def listing(folder: Path) -> dict[str, int]:
    """Every file under `folder` with its modification time, to prove nothing was rewritten."""
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def flip_byte(path: Path, offset: int = -1) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = library_at(tmp_path)
    lib.ingest([ACME, BANANA])
    return lib


# ---- generations and changes -----------------------------------------------------------------------------

def test_ingest_creates_a_generation(tmp_path: Path) -> None:
    lib = library_at(tmp_path)
    summary = lib.ingest([ACME, BANANA])

    assert summary.added == ("acme.txt", "fruit/banana.md")
    assert summary.chunks > 0
    generation = current_generation(tmp_path)
    assert generation.name == "gen-000001"
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedding_model"] == "hashing-64"
    assert set(manifest["documents"]) == {"acme.txt", "fruit/banana.md"}
    assert {"documents.jsonl", "chunks.jsonl", "vectors.npy"} <= set(manifest["files"])

    reloaded = library_at(tmp_path).snapshot()
    assert reloaded.version == manifest["version"]
    assert reloaded.documents["acme.txt"] == ACME
    assert len(reloaded.chunks) == summary.chunks == reloaded.vectors.shape[0]
    for i, chunk in enumerate(reloaded.chunks):
        assert reloaded.chunk_text(i) == reloaded.documents[chunk.doc_id].text[chunk.start:chunk.end]


def test_reingesting_unchanged_documents_writes_nothing(library: Library, tmp_path: Path) -> None:
    folder = collection_folder(tmp_path)
    version = library.snapshot().version
    before = listing(folder)

    summary = library.ingest([ACME, BANANA])

    assert summary.unchanged == ("acme.txt", "fruit/banana.md")
    assert (summary.added, summary.updated, summary.deleted) == ((), (), ())
    assert not summary.changed
    assert listing(folder) == before
    assert library_at(tmp_path).snapshot().version == version


def test_changed_text_updates_the_document_and_drops_its_old_chunks(library: Library, tmp_path: Path) -> None:
    old = library.snapshot()
    changed = Document("acme.txt", "Acme now reports revenue of $7.1 billion. Headcount is unknown.")

    summary = library.ingest([changed])

    assert summary.updated == ("acme.txt",)
    fresh = library_at(tmp_path).snapshot()
    assert fresh.version != old.version
    assert fresh.documents["acme.txt"].text == changed.text
    acme_chunks = [fresh.chunk_text(i) for i, c in enumerate(fresh.chunks) if c.doc_id == "acme.txt"]
    assert acme_chunks and all("6.4" not in text for text in acme_chunks)
    assert any("7.1" in text for text in acme_chunks)
    assert fresh.documents["fruit/banana.md"] == BANANA
    assert not (collection_folder(tmp_path) / "gen-000001").exists()  # the old generation is cleaned up


def test_changed_title_alone_counts_as_an_update(library: Library) -> None:
    summary = library.ingest([Document(ACME.doc_id, ACME.text, title="Acme Corp")])
    assert summary.updated == ("acme.txt",)
    assert library.snapshot().documents["acme.txt"].title == "Acme Corp"


def test_delete_removes_chunks_and_text(library: Library, tmp_path: Path) -> None:
    summary = library.delete(["acme.txt"])

    assert summary.deleted == ("acme.txt",)
    fresh = library_at(tmp_path).snapshot()
    assert set(fresh.documents) == {"fruit/banana.md"}
    assert {c.doc_id for c in fresh.chunks} == {"fruit/banana.md"}
    assert fresh.vectors.shape[0] == len(fresh.chunks)
    generation = current_generation(tmp_path)
    for name in ("documents.jsonl", "chunks.jsonl"):
        stored = (generation / name).read_text(encoding="utf-8")
        assert "6.4 billion" not in stored and "acme.txt" not in stored


def test_deleting_an_unknown_id_changes_nothing(library: Library, tmp_path: Path) -> None:
    folder = collection_folder(tmp_path)
    before, version = listing(folder), library.snapshot().version

    with pytest.raises(DocumentNotFoundError, match=re.escape("nope.txt")):
        library.delete(["acme.txt", "nope.txt"])

    assert listing(folder) == before
    fresh = library_at(tmp_path).snapshot()
    assert fresh.version == version
    assert set(fresh.documents) == {"acme.txt", "fruit/banana.md"}


def test_deleting_from_an_empty_collection_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(DocumentNotFoundError):
        library_at(tmp_path).delete(["acme.txt"])


# ---- verification at load --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["vectors.npy", "sentence_vectors.npy", "chunks.jsonl", "documents.jsonl"])
def test_a_damaged_file_is_reported_at_load(library: Library, tmp_path: Path, name: str) -> None:
    flip_byte(current_generation(tmp_path) / name)

    with pytest.raises(IndexCorruptError, match=re.escape(name)):
        library_at(tmp_path).snapshot()


def test_a_missing_file_is_reported_at_load(library: Library, tmp_path: Path) -> None:
    (current_generation(tmp_path) / "vectors.npy").unlink()

    with pytest.raises(IndexCorruptError, match=re.escape("vectors.npy")):
        library_at(tmp_path).snapshot()


@pytest.mark.parametrize("pointer", ["gen-000099", "../../etc", ""])
def test_current_naming_a_missing_generation_is_corrupt(library: Library, tmp_path: Path, pointer: str) -> None:
    (collection_folder(tmp_path) / "CURRENT").write_text(pointer, encoding="utf-8")

    with pytest.raises(IndexCorruptError, match="CURRENT"):
        library_at(tmp_path).snapshot()


def test_a_manifest_missing_keys_is_reported_as_corrupt(library: Library, tmp_path: Path) -> None:
    (current_generation(tmp_path) / "manifest.json").write_text('{"format": 1}', encoding="utf-8")

    with pytest.raises(IndexCorruptError):
        library_at(tmp_path).snapshot()


def test_an_unreadable_manifest_is_reported_as_corrupt(library: Library, tmp_path: Path) -> None:
    (current_generation(tmp_path) / "manifest.json").write_text('{"format": 1, "files', encoding="utf-8")

    with pytest.raises(IndexCorruptError, match="manifest"):
        library_at(tmp_path).snapshot()


def test_a_different_embedding_model_is_refused_at_load(library: Library, tmp_path: Path) -> None:
    other = library_at(tmp_path, HashingEmbedder(dimension=32))

    with pytest.raises(IndexCorruptError, match="hashing-64"):
        other.snapshot()
    with pytest.raises(IndexCorruptError):
        other.ingest([Document("new.txt", "New text.")])
    assert set(library_at(tmp_path).snapshot().documents) == {"acme.txt", "fruit/banana.md"}


# ---- collections -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x", "a/b", "", ".hidden", "a b", "x" * 65, "-dash"])
def test_invalid_collection_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidCollectionError):
        validate_collection_name(name)
    with pytest.raises(InvalidCollectionError):
        CollectionStore(tmp_path, name, embedding_model="hashing-64", chunking={})


@pytest.mark.parametrize("name", ["../x", "a/b", ".hidden"])
def test_library_refuses_invalid_collections_before_touching_disk(tmp_path: Path, name: str) -> None:
    lib = library_at(tmp_path)
    with pytest.raises(InvalidCollectionError):
        lib.ingest([ACME], collection=name)
    assert not tmp_path.joinpath("x").exists()
    assert not Settings(home=tmp_path).collections_dir.exists()


def test_a_trailing_newline_is_not_a_valid_collection_name() -> None:
    with pytest.raises(InvalidCollectionError):
        validate_collection_name("abc\n")


def test_an_explicit_empty_collection_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidCollectionError):
        library_at(tmp_path).ingest([ACME], collection="")


def test_valid_collection_names_are_accepted() -> None:
    for name in ["default", "A1", "news_2024-03", "x" * 64]:
        assert validate_collection_name(name) == name


def test_two_collections_are_independent(tmp_path: Path) -> None:
    lib = library_at(tmp_path)
    lib.ingest([ACME], collection="alpha")
    lib.ingest([BANANA], collection="beta")
    beta_version = lib.snapshot("beta").version

    lib.delete(["acme.txt"], collection="alpha")

    fresh = library_at(tmp_path)
    assert fresh.collections() == ["alpha", "beta"]
    assert fresh.snapshot("alpha").documents == {}
    assert set(fresh.snapshot("beta").documents) == {"fruit/banana.md"}
    assert fresh.snapshot("beta").version == beta_version
    with pytest.raises(CollectionNotFoundError, match="collections: alpha, beta"):
        fresh.snapshot()  # the default collection was never written
    with pytest.raises(DocumentNotFoundError):
        fresh.delete(["fruit/banana.md"], collection="alpha")


# ---- failed writes leave the index untouched -------------------------------------------------------------

def test_one_unreadable_file_stops_the_whole_ingest(library: Library, tmp_path: Path) -> None:
    folder = collection_folder(tmp_path)
    before, version = listing(folder), library.snapshot().version
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "good.txt").write_text("A perfectly good new document.", encoding="utf-8")
    (incoming / "z_bad.txt").write_bytes(b"\xff\xfe\x00broken")

    seen: list[str] = []
    with pytest.raises(UnreadableDocumentError, match=re.escape("z_bad.txt")):
        library.ingest(library.read_files([incoming], on_file=seen.append))

    assert seen == ["good.txt", "z_bad.txt"]  # the good file was read, then the bad one stopped everything
    assert listing(folder) == before
    fresh = library_at(tmp_path).snapshot()
    assert fresh.version == version
    assert "good.txt" not in fresh.documents


def test_a_crash_while_writing_keeps_the_old_generation(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = library.snapshot().version
    real_write = index.store._write_generation

    def write_then_crash(folder: Path, snapshot: object, number: int) -> str:
        real_write(folder, snapshot, number)  # type: ignore[arg-type]
        raise OSError("disk full")

    monkeypatch.setattr(index.store, "_write_generation", write_then_crash)
    with pytest.raises(OSError, match="disk full"):
        library.ingest([Document("new.txt", "A new document.")])

    folder = collection_folder(tmp_path)
    assert (folder / "CURRENT").read_text(encoding="utf-8").split()[0] == "gen-000001"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".staging-")]  # left behind by the crash
    fresh = library_at(tmp_path).snapshot()
    assert fresh.version == version
    assert "new.txt" not in fresh.documents

    monkeypatch.setattr(index.store, "_write_generation", real_write)
    library.ingest([Document("new.txt", "A new document.")])
    assert not [p for p in folder.iterdir() if p.name.startswith(".staging-")]
    assert "new.txt" in library_at(tmp_path).snapshot().documents


def test_stray_folders_are_never_loaded_and_removed_by_the_next_write(library: Library, tmp_path: Path) -> None:
    folder = collection_folder(tmp_path)
    version = library.snapshot().version
    staging = folder / ".staging-000002-99999"
    shutil.copytree(current_generation(tmp_path), staging)
    (staging / "documents.jsonl").write_text("not json\n", encoding="utf-8")
    orphan = folder / "gen-000007"
    orphan.mkdir()
    (orphan / "manifest.json").write_text("{}", encoding="utf-8")

    assert library_at(tmp_path).snapshot().version == version

    library.ingest([Document("new.txt", "A new document.")])

    assert not staging.exists()
    assert not orphan.exists()
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["gen-000002"]


# ---- sentence vectors (format 2) -------------------------------------------------------------------------

def test_each_distinct_sentence_is_embedded_once_and_chunk_vectors_are_their_mean(tmp_path: Path) -> None:
    long = Document("long.txt", " ".join(f"Sentence number {i} talks about topic {i}." for i in range(40)))
    lib = library_at(tmp_path)
    lib.ingest([long, ACME])
    snapshot = lib.snapshot()
    table = snapshot.sentences

    assert len(snapshot.chunks) > 2  # so neighbouring chunks share an overlap sentence
    assert len(set(zip(table.doc_ids, table.spans, strict=True))) == len(table) == len(snapshot.sentence_vectors)
    expected = lib.embedder.encode([snapshot.sentence_text(r) for r in range(len(table))])
    np.testing.assert_allclose(snapshot.sentence_vectors, expected, atol=1e-6)
    for chunk_index, rows in enumerate(table.of_chunk):
        mean = snapshot.sentence_vectors[list(rows)].mean(axis=0)
        np.testing.assert_allclose(snapshot.vectors[chunk_index], mean / np.linalg.norm(mean), atol=1e-5)
    generation = current_generation(tmp_path)
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == index.generation.FORMAT == 2
    assert {"sentence_vectors.npy", "vectors.npy"} <= set(manifest["files"])
    assert any(name.startswith("bm25_sentences/") for name in manifest["files"])


def test_sentence_rows_follow_updates_and_deletes(library: Library, tmp_path: Path) -> None:
    library.ingest([Document("acme.txt", "Acme now reports revenue of $7 billion. It moved to Texas.")])
    library.delete(["fruit/banana.md"])
    snapshot = library_at(tmp_path).snapshot()

    assert set(snapshot.sentences.doc_ids) == {"acme.txt"}
    expected = library.embedder.encode([snapshot.sentence_text(r) for r in range(len(snapshot.sentences))])
    np.testing.assert_allclose(snapshot.sentence_vectors, expected, atol=1e-6)


def test_an_index_in_the_old_format_asks_for_a_reingest(library: Library, tmp_path: Path) -> None:
    path = current_generation(tmp_path) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**manifest, "format": 1}), encoding="utf-8")
    pointer = collection_folder(tmp_path) / "CURRENT"  # format 1 wrote no manifest checksum there
    pointer.write_text(path.parent.name, encoding="utf-8")

    with pytest.raises(IndexCorruptError, match=r"format 1 predates format 2.*re-ingest"):
        library_at(tmp_path).snapshot()


# ---- the manifest protects itself (issue 17: an edited manifest let an edited document be cited) -----------

def drop_from_manifest(generation: Path, name: str | None = None) -> None:
    """Remove one file's entry (or, with None, every entry) from the generation's manifest."""
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {} if name is None else {k: v for k, v in manifest["files"].items() if k != name}
    (generation / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_manifest_that_does_not_match_its_checksum_in_current_is_corrupt(library: Library, tmp_path: Path) -> None:
    drop_from_manifest(current_generation(tmp_path))

    with pytest.raises(IndexCorruptError, match=re.escape("manifest.json does not match the checksum in CURRENT")):
        library_at(tmp_path).snapshot()


@pytest.mark.parametrize("edit", ["empty files map", "one entry dropped, its file edited", "a file added"])
def test_a_generation_whose_files_differ_from_its_manifest_is_corrupt(
        library: Library, tmp_path: Path, edit: str) -> None:
    generation = current_generation(tmp_path)
    pointer = collection_folder(tmp_path) / "CURRENT"
    pointer.write_text(generation.name, encoding="utf-8")  # a pointer without the checksum (older, or rewritten)
    library_at(tmp_path).snapshot()  # still readable as it stands
    if edit == "empty files map":
        drop_from_manifest(generation)
    elif edit == "one entry dropped, its file edited":
        drop_from_manifest(generation, "documents.jsonl")
        documents = generation / "documents.jsonl"
        documents.write_text(documents.read_text(encoding="utf-8").replace("Acme", "Acne"), encoding="utf-8")
    else:
        (generation / "extra.bin").write_bytes(b"\0")

    with pytest.raises(IndexCorruptError, match="do not match the manifest's list"):
        library_at(tmp_path).snapshot()


def test_a_document_with_unicode_line_separators_reads_back(tmp_path: Path) -> None:
    # found by fuzzing the API: str.splitlines() also breaks at U+0085 and U+2028, which JSON leaves unescaped
    odd = Document("odd\u0085id\u2028.txt", "Acme grew.\u2028Its revenue\u0085rose 12%.\x1c It hired.")
    library_at(tmp_path).ingest([odd, ACME])

    fresh = library_at(tmp_path).snapshot()

    assert fresh.documents[odd.doc_id].text == odd.text
    assert set(fresh.documents) == {odd.doc_id, ACME.doc_id}


def test_a_collection_with_no_word_bm25_can_index_is_stored_and_searched(tmp_path: Path) -> None:
    # found by fuzzing the API: bm25s cannot build an index over an empty vocabulary
    library = library_at(tmp_path)
    library.ingest([Document("bang.txt", "\x05!"), Document("stop.txt", "It is the.")])

    fresh = library_at(tmp_path).snapshot()

    assert set(fresh.documents) == {"bang.txt", "stop.txt"} and fresh.bm25 is None
    found = retriever_for(library).search(fresh, "It is the.", k=3)  # dense search alone, no error
    assert all(passage.doc_id in fresh.documents for passage in found)


# ---- reindexing with another embedder (issue 27, item 2) ----------------------------------------------------

class OtherEmbedder(HashingEmbedder):
    """Another model: its own name and other vectors (so a collection embedded by one is not the other's)."""

    def __init__(self) -> None:
        super().__init__()
        self.name = "other-embedder"

    def encode(self, texts):  # type: ignore[no-untyped-def]
        return super().encode([text[::-1] for text in texts])


def test_another_embedder_is_refused_naming_both_until_reindex(tmp_path: Path) -> None:
    library_at(tmp_path).ingest([ACME, BANANA])
    old_generation = current_generation(tmp_path)
    other = library_at(tmp_path, OtherEmbedder())

    with pytest.raises(IndexCorruptError, match=r"embedded with 'hashing-64', not the configured 'other-embedder'"):
        other.snapshot()
    summary = other.reindex()

    assert sorted(summary.added) == ["acme.txt", "fruit/banana.md"]
    snapshot = library_at(tmp_path, OtherEmbedder()).snapshot()
    assert snapshot.embedding_model == "other-embedder" and set(snapshot.documents) == {"acme.txt", "fruit/banana.md"}
    assert np.allclose(snapshot.sentence_vectors[0], OtherEmbedder().encode([snapshot.sentence_text(0)])[0])
    assert current_generation(tmp_path) != old_generation and not old_generation.exists()
    with pytest.raises(IndexCorruptError, match="reindex"):
        library_at(tmp_path).snapshot()  # the old model is now the other one


def test_a_reindex_that_crashes_leaves_the_old_collection_serving(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    library_at(tmp_path).ingest([ACME])
    before = listing(collection_folder(tmp_path))

    def crash(*args: object) -> str:
        raise OSError("killed")

    monkeypatch.setattr(index.store, "_write_generation", crash)
    with pytest.raises(OSError, match="killed"):
        library_at(tmp_path, OtherEmbedder()).reindex()

    assert "acme.txt" in library_at(tmp_path).snapshot().documents  # the old one still serves
    assert {k: v for k, v in listing(collection_folder(tmp_path)).items() if not k.startswith(".staging")} == before
# ---- a missing pointer (issue 28, item 2) ------------------------------------------------------------------

def test_generations_without_a_pointer_are_corrupt_and_no_write_destroys_them(tmp_path: Path) -> None:
    library = library_at(tmp_path)
    library.ingest([ACME])
    library.ingest([BANANA])
    folder = collection_folder(tmp_path)
    (folder / "CURRENT").unlink()
    before = listing(folder)

    with pytest.raises(IndexCorruptError, match="vericlaim repair --collection default"):
        library_at(tmp_path).snapshot()
    with pytest.raises(IndexCorruptError, match="no CURRENT pointer"):
        library_at(tmp_path).ingest([Document("new.txt", "A new document.")])
    assert listing(folder) == before  # nothing rewritten, nothing deleted
    assert "default" in library_at(tmp_path).collections()  # readiness still sees it (and reports it)


def test_repair_points_at_the_newest_generation_that_verifies(tmp_path: Path) -> None:
    library = library_at(tmp_path)
    library.ingest([ACME])
    older = current_generation(tmp_path)
    keep = tmp_path / "older"
    shutil.copytree(older, keep)
    library.ingest([BANANA])
    newest = current_generation(tmp_path)
    shutil.copytree(keep, older)  # an older generation a crash left behind, complete
    folder = collection_folder(tmp_path)
    (folder / "CURRENT").unlink()
    flip_byte(newest / "vectors.npy")  # and the newest one damaged
    store = library_at(tmp_path).store()

    assert store.repair() == (older.name, True)
    assert set(library_at(tmp_path).snapshot().documents) == {"acme.txt"}
    assert store.repair() == (older.name, False)  # it loads: left as it is
    assert newest.exists()  # nothing deleted


def test_repair_with_no_generation_that_verifies_says_so(tmp_path: Path) -> None:
    library = library_at(tmp_path)
    library.ingest([ACME])
    generation = current_generation(tmp_path)
    (collection_folder(tmp_path) / "CURRENT").unlink()
    (generation / "manifest.json").write_text("{not json", encoding="utf-8")

    with pytest.raises(IndexCorruptError, match="no generation verifies"):
        library_at(tmp_path).store().repair()


# ---- what the checksums guard against, and the integrity key (issue 28, item 14) ---------------------------

def tamper(home: Path) -> None:
    """Edit a stored document and recompute every checksum, as someone with write access to the folder could."""
    folder = collection_folder(home)
    generation = current_generation(home)
    documents = generation / "documents.jsonl"
    documents.write_text(documents.read_text(encoding="utf-8").replace("$6.4 billion", "$9.9 billion"),
                         encoding="utf-8")
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["documents.jsonl"] = index.store.sha256_file(documents)
    (generation / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    fields = (folder / "CURRENT").read_text(encoding="utf-8").split()
    fields[1] = index.store.sha256_file(generation / "manifest.json")
    (folder / "CURRENT").write_text(" ".join(fields), encoding="utf-8")


def keyed_library(home: Path, key: str | None) -> Library:
    settings = Settings(home=home, integrity_key=key)
    return build(settings, embedder=HashingEmbedder(), judge=KeywordJudge()).library


def test_without_a_key_recomputed_checksums_pass_and_with_one_the_edit_is_reported(tmp_path: Path) -> None:
    plain, keyed = tmp_path / "plain", tmp_path / "keyed"
    keyed_library(plain, None).ingest([ACME])
    keyed_library(keyed, "a-secret-only-the-owner-has").ingest([ACME])
    tamper(plain)
    tamper(keyed)

    # without the key the manifest only catches accidents: a careful edit is served
    assert "$9.9 billion" in keyed_library(plain, None).snapshot().documents["acme.txt"].text
    with pytest.raises(IndexCorruptError, match="signature does not match"):
        keyed_library(keyed, "a-secret-only-the-owner-has").snapshot()
    with pytest.raises(IndexCorruptError, match="signature does not match"):
        keyed_library(keyed, "another-key-entirely").snapshot()


def test_a_collection_written_before_the_key_is_refused_until_signed(tmp_path: Path) -> None:
    keyed_library(tmp_path, None).ingest([ACME])
    library = keyed_library(tmp_path, "a-secret-only-the-owner-has")

    with pytest.raises(IndexCorruptError, match="repair --sign"):
        library.snapshot()
    assert library.store().sign() == current_generation(tmp_path).name
    assert "acme.txt" in keyed_library(tmp_path, "a-secret-only-the-owner-has").snapshot().documents
    library.ingest([BANANA])  # later writes are signed as they commit
    assert set(keyed_library(tmp_path, "a-secret-only-the-owner-has").snapshot().documents) == {"acme.txt",
                                                                                                 "fruit/banana.md"}
